package dev.awsjca.jdbc;

import java.sql.Array;

/**
 * An Array of a logical connection (from {@code getArray}, {@code getObject} or {@code createArrayOf}): the
 * result sets it makes lead back to the application's statement and Connection, as pgjdbc's do to its own.
 * A cast to pgjdbc's {@code PgArray} no longer works; {@code unwrap(PgArray.class)} does, through
 * {@link java.sql.Wrapper}.
 */
public final class ArrayWrapper extends ArrayMethods {

    private final Array delegate;

    ArrayWrapper(ConnectionWrapper owner, Array delegate) {
        super(owner, owner.chains);
        this.delegate = delegate;
    }

    @Override
    protected Array delegate() {
        return delegate;
    }

    /** The array's literal, as pgjdbc's: {@code {1,2,3}}. */
    @Override
    public String toString() {
        return delegate.toString();
    }
}

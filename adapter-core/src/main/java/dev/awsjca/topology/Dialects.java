package dev.awsjca.topology;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The dialects, by code, and detection from a live connection. */
public final class Dialects {

    /** In detection order: the most specific first, plain PostgreSQL (matches anything) last. */
    private static final List<Dialect> ALL = List.of(
            new AuroraPostgresDialect(), new RdsMultiAzPostgresDialect(), new PostgresDialect());

    private Dialects() {
    }

    /** The dialect of a code the configuration already checked. */
    public static Dialect byCode(String code) {
        for (Dialect d : ALL) {
            if (d.code().equals(code)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no dialect '" + code + "'");
    }

    public static Dialect detect(Connection connection) throws SQLException {
        for (Dialect d : ALL) {
            if (d.matches(connection)) {
                return d;
            }
        }
        throw new IllegalStateException("the plain postgresql dialect matches every connection");
    }
}

package dev.awsjca.jdbc;

import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * What a scenario observed, in order: values, and exceptions as class, SQLState and message. Two runs of
 * a scenario, one on pgjdbc and one through the wrapper, must leave equal traces.
 */
final class JdbcTrace {

    interface Step {
        Object run() throws Exception;
    }

    private final List<String> entries = new ArrayList<>();

    /** Records a value. */
    void add(String label, Object value) throws SQLException {
        entries.add(label + " = " + describe(value));
    }

    /** Runs a step that may fail; records its value or its exception. */
    void attempt(String label, Step step) throws SQLException {
        try {
            add(label, step.run());
        } catch (SQLException e) {
            entries.add(label + " ! " + e.getClass().getName() + " [" + e.getSQLState() + "] " + e.getMessage());
        } catch (Exception e) {
            entries.add(label + " ! " + e.getClass().getName() + " " + e.getMessage());
        }
    }

    List<String> entries() {
        return entries;
    }

    static String describe(Object value) throws SQLException {
        if (value == null) {
            return "null";
        }
        if (value instanceof byte[] bytes) {
            return "bytes:" + HexFormat.of().formatHex(bytes);
        }
        if (value instanceof int[] ints) {
            return Arrays.toString(ints);
        }
        if (value instanceof long[] longs) {
            return Arrays.toString(longs);
        }
        if (value instanceof Object[] objects) {
            return Arrays.deepToString(objects);
        }
        if (value instanceof Array array) {
            return "Array" + describe(array.getArray());
        }
        return value.getClass().getSimpleName() + ":" + value;
    }
}

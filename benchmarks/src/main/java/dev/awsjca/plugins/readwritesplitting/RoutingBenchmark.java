package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.plugins.sql.Route;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The routing decision of readWriteSplittingMode=sql: ns per statement for statements of about 200
 * characters (in this package: the classifier is package-private).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {

    @Param({"read", "write", "readWithComments", "functionCall"})
    public String statement;

    private String sql;

    @org.openjdk.jmh.annotations.Setup
    public void pick() {
        sql = switch (statement) {
            case "read" -> "SELECT o.id, o.customer_id, o.total, o.created_at, c.name FROM orders o JOIN customers c"
                    + " ON c.id = o.customer_id WHERE o.created_at > now() - interval '1 day' AND o.total > 100"
                    + " ORDER BY o.created_at DESC LIMIT 50";
            case "write" -> "UPDATE orders SET status = 'shipped', shipped_at = now(), carrier = 'ups'"
                    + " WHERE id IN (SELECT order_id FROM shipments WHERE created_at > now() - interval '1 hour')"
                    + " AND status = 'paid'";
            case "readWithComments" -> "/* report: daily */ SELECT count(*), sum(total) -- totals\n FROM orders"
                    + " WHERE note <> 'it''s; DELETE' AND body <> $$ UPDATE t $$ GROUP BY customer_id HAVING count(*) > 3";
            default -> "SELECT o.id, o.total, compute_discount(o.customer_id, o.total) FROM orders o"
                    + " WHERE o.created_at > now() - interval '1 day' AND o.total > 100 ORDER BY o.id LIMIT 50";
        };
    }

    @Benchmark
    public Route classify() {
        return SqlClassifier.classify(sql);
    }
}

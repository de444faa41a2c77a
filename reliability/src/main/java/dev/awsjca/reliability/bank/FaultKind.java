package dev.awsjca.reliability.bank;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;

import java.util.List;
import java.util.Random;

/**
 * The faults the bank is run through. Each one injects its fault and returns once the cluster has done what it
 * would do on its own (a promotion); healing (rejoining crashed nodes, lifting network faults) is the run's part.
 */
public enum FaultKind {

    WRITER_CRASH("writer crash + promotion") {
        @Override
        String inject(Scene s) {
            return s.cluster.failover().toString();
        }
    },
    WRITER_BLACKHOLE("writer blackhole + promotion") {
        @Override
        String inject(Scene s) {
            PgNode writer = s.cluster.writer();
            s.cluster.blackhole(writer);
            s.sleep(2_000); // the writer is silent: host monitoring must notice before the promotion helps anyone
            return s.cluster.failover().toString();
        }
    },
    LOST_REPLIES_THEN_CRASH("lost replies, then writer crash") {
        @Override
        String inject(Scene s) {
            s.cluster.swallowReplies(s.cluster.writer());
            s.sleep(1_000); // commits reach the writer and are applied, their replies never come back
            return s.cluster.failover().toString();
        }
    },
    READER_CRASH("reader crash") {
        @Override
        String inject(Scene s) {
            List<PgNode> replicas = s.cluster.replicas();
            PgNode reader = replicas.get(s.random.nextInt(replicas.size()));
            String event = s.cluster.crash(reader).toString();
            s.sleep(2_000);
            return event;
        }
    },
    SWITCHOVER("switchover") {
        @Override
        String inject(Scene s) {
            return s.cluster.switchover().toString();
        }
    },
    SLOW_NODE("a node's latency at 500 ms") {
        @Override
        String inject(Scene s) {
            List<PgNode> nodes = s.cluster.nodes();
            PgNode node = nodes.get(s.random.nextInt(nodes.size()));
            String event = s.cluster.latency(node, 500).toString();
            s.sleep(5_000);
            return event;
        }
    },
    SECRETS_OUTAGE("Secrets Manager failing for 10 s, writer connections cut") {
        @Override
        String inject(Scene s) {
            s.secrets.faults().failNextWithServerError(Integer.MAX_VALUE);
            try {
                String event = s.cluster.cut(s.cluster.writer()).toString(); // so that new logins are needed now
                s.sleep(10_000);
                return event;
            } finally {
                s.secrets.faults().clear();
            }
        }
    };

    private final String description;

    FaultKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    abstract String inject(Scene scene);

    /** What a fault acts on. */
    public record Scene(PgCluster cluster, LocalSecretsManager secrets, Random random) {

        public void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while a fault was held", e);
            }
        }
    }
}

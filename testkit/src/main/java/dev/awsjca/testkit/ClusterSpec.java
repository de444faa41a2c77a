package dev.awsjca.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a cluster looks like, without its password: the key under which test classes share a cluster.
 *
 * @param replicas    number of streaming replicas besides the writer
 * @param endpointLag how late the cluster and reader endpoints follow a topology change (Aurora's DNS lag)
 * @param hbaRules    pg_hba.conf lines placed before the catch-all password rule
 * @param settings    extra postgresql.conf settings
 * @param superuser   the superuser's login name
 * @param flavor      which managed database's topology functions the nodes answer
 */
public record ClusterSpec(int replicas, Duration endpointLag, List<String> hbaRules, Map<String, String> settings,
                          String superuser, TopologyFlavor flavor) {

    public ClusterSpec {
        if (replicas < 0 || replicas > 8) {
            throw new IllegalArgumentException("replicas must be between 0 and 8, was " + replicas);
        }
        if (endpointLag.isNegative()) {
            throw new IllegalArgumentException("endpointLag must not be negative, was " + endpointLag);
        }
        if (!superuser.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("superuser must be a plain lower-case identifier, was '" + superuser + "'");
        }
        java.util.Objects.requireNonNull(flavor, "flavor");
        for (String rule : hbaRules) {
            if (rule.contains("\n") || rule.contains("\r")) {
                throw new IllegalArgumentException("an hbaRules entry is one pg_hba.conf line, without line breaks: '"
                        + rule.replace("\n", "\\n").replace("\r", "\\r") + "'");
            }
        }
        for (String name : settings.keySet()) {
            if (!name.matches("[a-z_][a-z0-9_.]*")) {
                throw new IllegalArgumentException("setting name must be a postgresql.conf parameter name, was '" + name + "'");
            }
        }
        hbaRules = List.copyOf(hbaRules);
        settings = Map.copyOf(settings);
    }
}

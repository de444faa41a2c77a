package dev.awsjca.testkit.aws.secretsmanager;

import java.time.Instant;
import java.util.Set;

/**
 * One version of a secret as GetSecretValue returns it. The value is what the test stored; toString
 * leaves it out.
 */
public record SecretVersion(String arn, String name, String versionId, String secretString, Set<String> stages,
        Instant createdDate) {

    public SecretVersion {
        stages = Set.copyOf(stages);
    }

    @Override
    public String toString() {
        return "SecretVersion[" + name + ", versionId=" + versionId + ", stages=" + stages + "]";
    }
}

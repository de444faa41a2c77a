package dev.awsjca.testkit.aws.secretsmanager;

import java.time.Instant;
import java.util.Set;

/**
 * One version of a secret as GetSecretValue returns it. The value is what the test stored, a SecretString
 * or a SecretBinary (the other one null); toString leaves it out.
 */
public record SecretVersion(String arn, String name, String versionId, String secretString, byte[] secretBinary,
        Set<String> stages, Instant createdDate) {

    public SecretVersion {
        secretBinary = secretBinary == null ? null : secretBinary.clone();
        stages = Set.copyOf(stages);
    }

    @Override
    public byte[] secretBinary() {
        return secretBinary == null ? null : secretBinary.clone();
    }

    @Override
    public String toString() {
        return "SecretVersion[" + name + ", versionId=" + versionId + ", stages=" + stages + "]";
    }
}

package dev.awsjca.testkit.aws.secretsmanager;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The secrets the local endpoint serves, with Secrets Manager's version and staging-label rules: one
 * version holds AWSCURRENT; storing a new current version moves AWSPREVIOUS to the old one; a rotation
 * stages AWSPENDING first and then moves AWSCURRENT onto it. Secrets are found by name, by full ARN or
 * by partial ARN (the ARN without the six random characters AWS appends), as AWS does.
 * Thread-safe: every method locks the store.
 */
final class SecretStore {

    static final String CURRENT = "AWSCURRENT";
    static final String PREVIOUS = "AWSPREVIOUS";
    static final String PENDING = "AWSPENDING";

    private static final String SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String arnPrefix;
    private final Clock clock;
    private final Map<String, Secret> secretsByName = new LinkedHashMap<>();

    SecretStore(String region, String accountId, Clock clock) {
        this.arnPrefix = "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:";
        this.clock = clock;
    }

    /** Stores a value under the given labels, creating the secret when needed; returns the new version id. */
    synchronized String put(String name, String secretString, Set<String> stages, String versionId) throws AwsServiceError {
        Objects.requireNonNull(secretString, "secretString");
        return put(name, secretString, null, stages, versionId);
    }

    /** Stores a SecretBinary value (no SecretString) as the current version; returns the new version id. */
    synchronized String putBinary(String name, byte[] secretBinary) throws AwsServiceError {
        Objects.requireNonNull(secretBinary, "secretBinary");
        return put(name, null, secretBinary.clone(), Set.of(CURRENT), null);
    }

    private String put(String name, String secretString, byte[] secretBinary, Set<String> stages, String versionId)
            throws AwsServiceError {
        Secret secret = secretsByName.get(name);
        if (secret == null) {
            secret = new Secret(name, arnPrefix + name + "-" + randomSuffix());
            secretsByName.put(name, secret);
        } else if (secret.markedForDeletion) {
            throw markedForDeletion();
        }
        String id = versionId != null ? versionId : UUID.randomUUID().toString();
        Version existing = secret.versions.get(id);
        if (existing != null) {
            // AWS treats a repeated ClientRequestToken with the same value as a retry, else as a conflict
            if (Objects.equals(existing.secretString, secretString) && java.util.Arrays.equals(existing.secretBinary, secretBinary)) {
                return id;
            }
            throw new AwsServiceError(AwsErrorType.RESOURCE_EXISTS,
                    "A resource with the ID you requested already exists.");
        }
        secret.versions.put(id, new Version(id, secretString, secretBinary, clock.instant()));
        for (String stage : stages) {
            moveStage(secret, stage, id);
        }
        return id;
    }

    /** Moves AWSCURRENT onto the AWSPENDING version, completing a rotation. */
    synchronized String finishRotation(String name) throws AwsServiceError {
        Secret secret = require(name);
        Version pending = secret.versionWithStage(PENDING)
                .orElseThrow(() -> new AwsServiceError(AwsErrorType.INVALID_REQUEST,
                        "The secret " + name + " has no version staged as " + PENDING + "."));
        pending.stages.remove(PENDING);
        moveStage(secret, CURRENT, pending.id);
        return pending.id;
    }

    synchronized void markForDeletion(String name) throws AwsServiceError {
        require(name).markedForDeletion = true;
    }

    synchronized void restore(String name) throws AwsServiceError {
        require(name).markedForDeletion = false;
    }

    synchronized void delete(String name) {
        secretsByName.remove(name);
    }

    synchronized Optional<String> arnOf(String name) {
        return Optional.ofNullable(secretsByName.get(name)).map(s -> s.arn);
    }

    /** The secret's name for an id given as name, full ARN or partial ARN, if such a secret exists. */
    synchronized Optional<String> resolveName(String secretId) {
        return Optional.ofNullable(find(secretId)).map(s -> s.name);
    }

    /**
     * GetSecretValue's lookup. With neither a version id nor a stage, the AWSCURRENT version; with both,
     * they must designate the same version.
     */
    synchronized SecretVersion get(String secretId, String versionId, String versionStage) throws AwsServiceError {
        Secret secret = find(secretId);
        if (secret == null) {
            throw new AwsServiceError(AwsErrorType.RESOURCE_NOT_FOUND, "Secrets Manager can't find the specified secret.");
        }
        if (secret.markedForDeletion) {
            throw markedForDeletion();
        }
        Version version;
        if (versionId != null) {
            version = secret.versions.get(versionId);
            if (version == null) {
                throw new AwsServiceError(AwsErrorType.RESOURCE_NOT_FOUND,
                        "Secrets Manager can't find the specified secret value for VersionId: " + versionId);
            }
            if (versionStage != null && !version.stages.contains(versionStage)) {
                throw new AwsServiceError(AwsErrorType.INVALID_REQUEST,
                        "You provided a VersionStage that is not associated to the provided VersionId.");
            }
        } else {
            String stage = versionStage != null ? versionStage : CURRENT;
            version = secret.versionWithStage(stage)
                    .orElseThrow(() -> new AwsServiceError(AwsErrorType.RESOURCE_NOT_FOUND,
                            "Secrets Manager can't find the specified secret value for staging label: " + stage));
        }
        return new SecretVersion(secret.arn, secret.name, version.id, version.secretString, version.secretBinary,
                version.stages, version.created);
    }

    private Secret find(String secretId) {
        if (secretId == null) {
            return null;
        }
        Secret byName = secretsByName.get(secretId);
        if (byName != null) {
            return byName;
        }
        for (Secret secret : secretsByName.values()) {
            if (secret.arn.equals(secretId) || secretId.equals(arnPrefix + secret.name)) {
                return secret;
            }
        }
        return null;
    }

    private Secret require(String name) throws AwsServiceError {
        Secret secret = secretsByName.get(name);
        if (secret == null) {
            throw new AwsServiceError(AwsErrorType.RESOURCE_NOT_FOUND, "Secrets Manager can't find the specified secret.");
        }
        return secret;
    }

    /** A staging label is on at most one version; moving AWSCURRENT leaves AWSPREVIOUS on the old holder. */
    private static void moveStage(Secret secret, String stage, String toVersionId) {
        Optional<Version> holder = secret.versionWithStage(stage);
        if (holder.isPresent() && holder.get().id.equals(toVersionId)) {
            return;
        }
        holder.ifPresent(v -> v.stages.remove(stage));
        secret.versions.get(toVersionId).stages.add(stage);
        if (CURRENT.equals(stage) && holder.isPresent()) {
            secret.versionWithStage(PREVIOUS).ifPresent(v -> v.stages.remove(PREVIOUS));
            holder.get().stages.add(PREVIOUS);
        }
    }

    private static AwsServiceError markedForDeletion() {
        return new AwsServiceError(AwsErrorType.INVALID_REQUEST,
                "You can't perform this operation on the secret because it was marked for deletion.");
    }

    private static String randomSuffix() {
        StringBuilder suffix = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            suffix.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
        }
        return suffix.toString();
    }

    private static final class Secret {
        final String name;
        final String arn;
        final Map<String, Version> versions = new LinkedHashMap<>();
        boolean markedForDeletion;

        Secret(String name, String arn) {
            this.name = name;
            this.arn = arn;
        }

        Optional<Version> versionWithStage(String stage) {
            return versions.values().stream().filter(v -> v.stages.contains(stage)).findFirst();
        }
    }

    private static final class Version {
        final String id;
        /** One of the two is null, as in Secrets Manager: a version holds a SecretString or a SecretBinary. */
        final String secretString;
        final byte[] secretBinary;
        final Instant created;
        final Set<String> stages = new HashSet<>();

        Version(String id, String secretString, byte[] secretBinary, Instant created) {
            this.id = id;
            this.secretString = secretString;
            this.secretBinary = secretBinary;
            this.created = created;
        }
    }

    /** Names of all secrets (for diagnostics; no values). */
    synchronized List<String> names() {
        return new ArrayList<>(secretsByName.keySet());
    }
}

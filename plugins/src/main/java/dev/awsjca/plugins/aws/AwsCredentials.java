package dev.awsjca.plugins.aws;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where AWS credentials and regions come from: the SDK's own chains, or a named profile. Nothing by hand. */
public final class AwsCredentials {

    private static final Pattern RDS_REGION = Pattern.compile(".*\\.([a-z]{2}(?:-[a-z]+)+-\\d+)\\.rds\\.amazonaws\\.com(?:\\.cn)?",
            Pattern.CASE_INSENSITIVE);

    private AwsCredentials() {
    }

    /** A credentials provider that is closed after use: providers may hold refresh threads. */
    public record Session(AwsCredentialsProvider provider) implements AutoCloseable {
        @Override
        public void close() {
            if (provider instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    /**
     * The SDK's default chain (environment, system properties, web identity, profile, container, instance
     * role), or one profile.
     */
    public static Session open(String profile) {
        return new Session(profile == null ? DefaultCredentialsProvider.builder().build()
                : ProfileCredentialsProvider.builder().profileName(profile).build());
    }

    /** The region in an RDS host name ({@code x.cluster-y.us-east-1.rds.amazonaws.com}), or null. */
    public static String regionOfHost(String host) {
        Matcher m = RDS_REGION.matcher(host);
        return m.matches() ? m.group(1).toLowerCase() : null;
    }

    /**
     * The SDK's region chain (AWS_REGION, aws.region, profile, instance metadata), asked once for all the
     * adapter's logins ({@link DefaultRegion}), as a clear error if empty.
     */
    public static Region defaultRegion(String propertyToSet) throws SQLException {
        return DEFAULT_REGION.get(propertyToSet);
    }

    private static final DefaultRegion DEFAULT_REGION = new DefaultRegion();
}

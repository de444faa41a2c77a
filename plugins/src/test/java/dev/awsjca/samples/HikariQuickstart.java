package dev.awsjca.samples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.awsjca.jdbc.AwsWrapperDataSource;

/**
 * The Java SE quickstart of README.md and docs/JAVA-SE.md: the lines between the sample markers are copied
 * into those pages (DocSamplesTest checks they are identical) and run by SamplesFailoverTest.
 */
final class HikariQuickstart {

    private HikariQuickstart() {
    }

    static HikariDataSource pool(String endpoint, String database, String user, String password, String instancePattern) {
        // sample:hikari-quickstart
        AwsWrapperDataSource aws = new AwsWrapperDataSource();       // dev.awsjca.jdbc
        aws.setUrl("jdbc:aws-wrapper:postgresql://" + endpoint + "/" + database); // the cluster endpoint, host:port
        aws.setUser(user);
        aws.setPassword(password);
        aws.setClusterInstanceHostPattern(instancePattern); // derived from an RDS host name; needed for any other
        aws.setFailoverTimeoutMs(30_000);                   // plugins: failover,hostMonitoring by default

        HikariConfig config = new HikariConfig();
        config.setDataSource(aws);
        config.setMaximumPoolSize(10);
        HikariDataSource pool = new HikariDataSource(config);
        // sample:end
        return pool;
    }
}

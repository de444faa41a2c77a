package dev.awsjca.plugins.iam;

import dev.awsjca.metrics.CredentialFetches;
import dev.awsjca.plugins.aws.AwsCredentials;
import dev.awsjca.plugins.aws.ExpiringCache;
import dev.awsjca.pipeline.ConnectChain;
import dev.awsjca.pipeline.ConnectRequest;
import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.pipeline.JdbcMethods;
import dev.awsjca.topology.HostSpec;

import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * Logs in with an IAM auth token instead of a password, on every physical connection (the first, and
 * those failover or reader switching open later): each token is signed for the host actually connected to.
 */
final class IamAuthPlugin implements ConnectionPlugin {

    private final IamTokens tokens;
    private final IamSettings settings;
    private final CredentialFetches fetches;

    IamAuthPlugin(IamTokens tokens, IamSettings settings, CredentialFetches fetches) {
        this.tokens = tokens;
        this.settings = settings;
        this.fetches = fetches;
    }

    @Override
    public Set<JdbcMethod> subscribedMethods() {
        return JdbcMethods.NONE;
    }

    @Override
    public HostConnection connect(ConnectRequest request, ConnectChain next) throws SQLException {
        // a token is good for one host: try the candidates one by one, each with its own
        SQLException last = null;
        for (HostSpec host : request.hosts()) {
            try {
                return connectTo(request.withHosts(List.of(host)), host, next);
            } catch (SQLException e) {
                if (isAuthFailure(e)) {
                    throw e; // the credentials are wrong: another host will not take them either
                }
                last = e;
            }
        }
        throw last;
    }

    private HostConnection connectTo(ConnectRequest request, HostSpec host, ConnectChain next) throws SQLException {
        IamTokens.Key key = key(request, host);
        ExpiringCache.Lookup<String> token = tokens.token(key, settings.tokenLifetimeS(), fetches);
        try {
            return next.connect(withSsl(request.withProperty("password", token.value())));
        } catch (SQLException e) {
            if (!isAuthFailure(e) || token.fresh()) {
                throw e;
            }
            // a cached token was refused (expired early, credentials rotated): one retry with a new one
            tokens.refused(key, token.value());
            return next.connect(withSsl(request.withProperty("password", tokens.token(key, settings.tokenLifetimeS(), fetches).value())));
        }
    }

    private IamTokens.Key key(ConnectRequest request, HostSpec host) throws SQLException {
        String signedHost = settings.signedHost() != null ? settings.signedHost() : host.host();
        int signedPort = settings.signedPort() != null ? settings.signedPort() : host.port();
        String region = settings.region();
        if (region == null) {
            region = AwsCredentials.regionOfHost(signedHost);
        }
        if (region == null) {
            region = AwsCredentials.defaultRegion("iamRegion").id();
        }
        return new IamTokens.Key(signedHost, signedPort, request.property("user"), region, settings.profile());
    }

    /** TLS unless the configuration explicitly allowed plain text (checked in IamSettings). */
    private static ConnectRequest withSsl(ConnectRequest request) {
        return request.property("sslmode") == null && request.property("ssl") == null
                ? request.withProperty("sslmode", "require") : request;
    }

    static boolean isAuthFailure(SQLException e) {
        return "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState());
    }
}

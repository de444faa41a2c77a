package dev.awsjca.testkit.aws.iam;

import com.unboundid.ldap.listener.LDAPListener;
import com.unboundid.ldap.listener.LDAPListenerConfig;
import com.unboundid.ldap.protocol.BindRequestProtocolOp;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.sigv4.SigV4Crypto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-JVM LDAP server whose only job is to let PostgreSQL check RDS IAM auth tokens: a simple bind
 * succeeds only when its password is a valid token (see {@link IamTokenVerifier}) for the database user
 * in the bind DN and for an endpoint through which that server is reached. PostgreSQL delegates the
 * password check to it with the line from {@link #pgHbaLine}, so PostgreSQL itself refuses a forged,
 * expired, wrong-user or wrong-host token, as RDS does.
 *
 * <h2>Which host:port a token must be signed for</h2>
 * A client signs the endpoint it connects to: the instance endpoint, the cluster or reader endpoint, or
 * a proxy address in front of a node; PostgreSQL never tells the LDAP server which one was used. So the
 * accepted endpoints are a set, kept per <em>realm</em>: a pg_hba line names a realm (or none, the
 * default realm), and {@link #acceptEndpoints(String, Collection)} says which addresses lead to the
 * servers using it. A {@link PgCluster} shares one pg_hba file among its nodes, so with it use the default
 * realm and {@link #acceptEndpointsOf(PgCluster)} (every address of the cluster), and check which node a
 * client signed for with {@link BindAttempt#signedFor()}; a realm per node needs a pg_hba file per node.
 * A realm with no endpoints refuses every token (fail closed).
 *
 * <pre>{@code
 * try (IamTokenLdapServer ldap = IamTokenLdapServer.builder().region("us-east-1").credentials(creds).start()) {
 *     ldap.acceptEndpoints("node1", List.of(RdsEndpoint.of("127.0.0.2", 5432)));
 *     String hba = ldap.pgHbaLine("hostssl", "all", "iam_user", "127.0.0.1/32", "node1");
 *     ... connect with a token, then assert on ldap.binds()
 * }
 * }</pre>
 */
public final class IamTokenLdapServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(IamTokenLdapServer.class.getName());
    /** PostgreSQL is pointed at this exact address in pg_hba, so the server binds it, not "localhost". */
    private static final String LISTEN_ADDRESS = "127.0.0.1";

    private final String region;
    private final AwsTestCredentials credentials;
    private final Clock clock;
    private final IamTokenVerifier verifier;
    private final Map<String, Set<RdsEndpoint>> endpointsByRealm = new ConcurrentHashMap<>();
    private final BindLog binds = new BindLog();
    private final AtomicInteger refuseRemaining = new AtomicInteger();
    private final LDAPListener listener;

    private IamTokenLdapServer(Builder b) throws IOException {
        this.region = b.region;
        this.credentials = b.credentials;
        this.clock = b.clock;
        this.verifier = new IamTokenVerifier(b.region, b.credentials, b.clock, b.allowedSkew);
        LDAPListenerConfig config = new LDAPListenerConfig(b.port, new BindOnlyRequestHandler(this::check));
        config.setListenAddress(InetAddress.getByName(LISTEN_ADDRESS));
        config.setUseTCPNoDelay(true);
        this.listener = new LDAPListener(config);
        listener.startListening();
        LOG.log(Level.DEBUG, () -> "IAM token LDAP server for " + region + " listening on " + LISTEN_ADDRESS + ":" + port());
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return LISTEN_ADDRESS;
    }

    public int port() {
        return listener.getListenPort();
    }

    public String region() {
        return region;
    }

    /** The credentials tokens must be signed with (give the same to the SDK or the adapter). */
    public AwsTestCredentials credentials() {
        return credentials;
    }

    /** The endpoints accepted for logins through pg_hba lines without a realm (replaces the previous set). */
    public IamTokenLdapServer acceptEndpoints(Collection<RdsEndpoint> endpoints) {
        return acceptEndpoints(BindDnScheme.DEFAULT_REALM, endpoints);
    }

    /** The endpoints through which the server(s) using this realm are reached (replaces the previous set). */
    public IamTokenLdapServer acceptEndpoints(String realm, Collection<RdsEndpoint> endpoints) {
        endpointsByRealm.put(BindDnScheme.requireValidRealm(realm), Set.copyOf(endpoints));
        return this;
    }

    /**
     * Accepts, in the default realm, tokens signed for any address of the cluster: every node's instance
     * endpoint, the cluster endpoint and the reader endpoint. The pg_hba file is shared by every node, so
     * which node received a login is not known; {@link BindAttempt#signedFor()} tells a test which
     * endpoint the client signed for.
     */
    public IamTokenLdapServer acceptEndpointsOf(PgCluster cluster) {
        List<RdsEndpoint> endpoints = new ArrayList<>();
        for (PgNode node : cluster.nodes()) {
            endpoints.add(RdsEndpoint.of(node.host(), node.port()));
        }
        endpoints.add(RdsEndpoint.of(cluster.clusterEndpoint().host(), cluster.clusterEndpoint().port()));
        endpoints.add(RdsEndpoint.of(cluster.readerEndpoint().host(), cluster.readerEndpoint().port()));
        return acceptEndpoints(endpoints);
    }

    public Set<RdsEndpoint> acceptedEndpoints(String realm) {
        return endpointsByRealm.getOrDefault(realm, Set.of());
    }

    /** The token rules, e.g. to age out cached tokens with {@link IamTokenVerifier#expireTokensSignedBefore}. */
    public IamTokenVerifier verifier() {
        return verifier;
    }

    /**
     * The next {@code binds} logins are refused whatever their token (a transient authentication
     * failure): shows that a client retries with a fresh token once, and gives up after that.
     */
    public IamTokenLdapServer refuseNextBinds(int binds) {
        if (binds < 0) {
            throw new IllegalArgumentException("binds must not be negative: " + binds);
        }
        refuseRemaining.set(binds);
        return this;
    }

    public BindLog binds() {
        return binds;
    }

    /** The DN PostgreSQL binds as for this user and realm ("" for none): what a test's own LDAP client uses. */
    public String bindDn(String dbUser, String realm) {
        return BindDnScheme.bindDn(dbUser, realm);
    }

    /**
     * A pg_hba.conf line delegating password checks for {@code role} to this server, in simple-bind
     * mode, for logins that should be checked against the default realm's endpoints: {@code host all
     * <role> <address> ldap ...}. IAM logins on RDS need TLS: prefer {@code hostssl} with the long form.
     */
    public String pgHbaLine(String role, String address) {
        return pgHbaLine("host", "all", role, address, BindDnScheme.DEFAULT_REALM);
    }

    /**
     * A pg_hba.conf line: {@code <type> <database> <role> <address> ldap ldapserver=127.0.0.1 ldapport=<port>
     * ldapprefix="cn=" ldapsuffix=",[ou=<realm>,]ou=rds-iam,dc=awsjca,dc=test"}.
     *
     * @param type {@code host}, {@code hostssl} (what RDS requires for IAM) or {@code hostnossl}
     * @param address a CIDR such as {@code 127.0.0.1/32} or {@code 127.0.0.0/8}
     * @param realm which accepted-endpoint set applies ("" for the default one)
     */
    public String pgHbaLine(String type, String database, String role, String address, String realm) {
        if (!Set.of("host", "hostssl", "hostnossl").contains(type)) {
            throw new IllegalArgumentException("the connection type must be host, hostssl or hostnossl: " + type);
        }
        requireHbaWord("database", database);
        requireHbaWord("role", role);
        requireHbaWord("address", address);
        return type + " " + database + " " + role + " " + address + " ldap ldapserver=" + LISTEN_ADDRESS
                + " ldapport=" + port() + " ldapprefix=\"" + BindDnScheme.PREFIX + "\" ldapsuffix=\""
                + BindDnScheme.suffix(realm) + "\"";
    }

    /** pg_hba.conf splits on whitespace and treats quotes and commas specially: keep each field one plain word. */
    private static void requireHbaWord(String what, String value) {
        if (value == null || value.isEmpty() || !value.matches("[A-Za-z0-9_.:/+@-]+")) {
            throw new IllegalArgumentException("the " + what + " of a pg_hba line must be one plain word (letters, digits, "
                    + "_ . : / + @ -): '" + value + "'");
        }
    }

    @Override
    public void close() {
        listener.shutDown(true);
        LOG.log(Level.DEBUG, () -> "IAM token LDAP server on port " + port() + " stopped");
    }

    @Override
    public String toString() {
        return "IamTokenLdapServer[" + LISTEN_ADDRESS + ":" + port() + ", region=" + region + "]";
    }

    /** Checks one simple bind and records it; never logs or keeps the password. */
    private BindAttempt check(BindRequestProtocolOp request) {
        String bindDn = request.getBindDN();
        if (request.getCredentialsType() != BindRequestProtocolOp.CRED_TYPE_SIMPLE) {
            return attempt(bindDn, null, null, new TokenVerdict(TokenCheck.BAD_BIND_DN, "only simple binds are supported",
                    null, null), null);
        }
        String password = request.getSimplePassword() == null ? "" : request.getSimplePassword().stringValue();
        String fingerprint = password.isEmpty() ? null : SigV4Crypto.sha256Hex(password).substring(0, 16);
        BindDnScheme.Login login = BindDnScheme.parse(bindDn);
        if (login == null) {
            return attempt(bindDn, null, null, new TokenVerdict(TokenCheck.BAD_BIND_DN, "the bind DN is not "
                    + BindDnScheme.PREFIX + "<user>[,ou=<realm>]," + BindDnScheme.BASE, null, null), fingerprint);
        }
        if (refuseRemaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return attempt(bindDn, login.dbUser(), login.realm(), new TokenVerdict(TokenCheck.REFUSED_BY_TEST,
                    "refused by refuseNextBinds, whatever the token", null, null), fingerprint);
        }
        Set<RdsEndpoint> endpoints = endpointsByRealm.get(login.realm());
        if (endpoints == null || endpoints.isEmpty()) {
            return attempt(bindDn, login.dbUser(), login.realm(), new TokenVerdict(TokenCheck.UNKNOWN_REALM,
                    "no accepted endpoints are configured for realm '" + login.realm() + "'", null, null), fingerprint);
        }
        return attempt(bindDn, login.dbUser(), login.realm(), verifier.verify(password, login.dbUser(), endpoints),
                fingerprint);
    }

    private BindAttempt attempt(String bindDn, String dbUser, String realm, TokenVerdict verdict, String fingerprint) {
        BindAttempt attempt = new BindAttempt(clock.instant(), bindDn, dbUser, realm, verdict.check(), verdict.detail(),
                verdict.signedFor(), verdict.signedAt(), fingerprint);
        binds.record(attempt);
        LOG.log(Level.DEBUG, () -> "bind as " + bindDn + ": " + verdict.check() + " (" + verdict.detail() + ")");
        return attempt;
    }

    /** Configuration: region and credentials are those the tokens must be signed with. */
    public static final class Builder {
        private String region = "us-east-1";
        private AwsTestCredentials credentials = AwsTestCredentials.testDefaults();
        private Clock clock = Clock.systemUTC();
        private Duration allowedSkew = Duration.ofMinutes(1);
        private Set<RdsEndpoint> defaultEndpoints = Set.of();
        private int port;

        private Builder() {
        }

        /** A fixed port (default 0: a free one, what tests should use; PostgreSQL learns it from pgHbaLine). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        public Builder credentials(AwsTestCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** The verifier's notion of now (token expiry). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Tolerance between the signer's clock and the verifier's (default one minute). */
        public Builder allowedClockSkew(Duration skew) {
            this.allowedSkew = Objects.requireNonNull(skew, "skew");
            return this;
        }

        /** The default realm's endpoints (see {@link IamTokenLdapServer#acceptEndpoints(Collection)}). */
        public Builder acceptEndpoints(RdsEndpoint... endpoints) {
            this.defaultEndpoints = Set.of(endpoints);
            return this;
        }

        /** Starts listening on 127.0.0.1. */
        public IamTokenLdapServer start() {
            try {
                IamTokenLdapServer server = new IamTokenLdapServer(this);
                server.acceptEndpoints(defaultEndpoints);
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException("the IAM token LDAP server could not listen on " + LISTEN_ADDRESS + ":" + port
                        + ": " + e.getMessage(), e);
            }
        }
    }
}

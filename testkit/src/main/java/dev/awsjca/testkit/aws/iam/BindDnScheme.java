package dev.awsjca.testkit.aws.iam;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a login's bind DN is formed and read back. PostgreSQL's LDAP "simple bind" mode binds as
 * {@code ldapprefix + <database user> + ldapsuffix}; with prefix {@code cn=} and suffix
 * {@code [,ou=<realm>],ou=rds-iam,dc=awsjca,dc=test} the DN carries the database user and, optionally,
 * a realm naming which server (and so which accepted endpoints) the login arrived at.
 */
final class BindDnScheme {

    static final String PREFIX = "cn=";
    static final String BASE = "ou=rds-iam,dc=awsjca,dc=test";
    /** The realm of pg_hba lines that name none. */
    static final String DEFAULT_REALM = "";

    private static final Pattern REALM = Pattern.compile("[A-Za-z0-9._-]+");
    private static final DN BASE_DN = parseConstant(BASE);

    private BindDnScheme() {
    }

    static String requireValidRealm(String realm) {
        Objects.requireNonNull(realm, "realm");
        if (!realm.equals(DEFAULT_REALM) && !REALM.matcher(realm).matches()) {
            throw new IllegalArgumentException("a realm is letters, digits, '.', '_' or '-': '" + realm + "'");
        }
        return realm;
    }

    static String suffix(String realm) {
        return (requireValidRealm(realm).isEmpty() ? "" : ",ou=" + realm) + "," + BASE;
    }

    static String bindDn(String dbUser, String realm) {
        return PREFIX + dbUser + suffix(realm);
    }

    /** The login a bind DN stands for, or null when the DN does not follow the scheme. */
    static Login parse(String bindDn) {
        try {
            DN dn = new DN(bindDn);
            RDN first = dn.getRDN();
            if (first == null || first.getAttributeNames().length != 1 || !"cn".equalsIgnoreCase(first.getAttributeNames()[0])) {
                return null;
            }
            String user = first.getAttributeValues()[0];
            DN parent = dn.getParent();
            if (BASE_DN.equals(parent)) {
                return new Login(user, DEFAULT_REALM);
            }
            if (parent != null && BASE_DN.equals(parent.getParent())) {
                RDN realm = parent.getRDN();
                if (realm.getAttributeNames().length == 1 && "ou".equalsIgnoreCase(realm.getAttributeNames()[0])) {
                    return new Login(user, realm.getAttributeValues()[0]);
                }
            }
            return null;
        } catch (LDAPException e) {
            return null;
        }
    }

    record Login(String dbUser, String realm) {
    }

    private static DN parseConstant(String dn) {
        try {
            return new DN(dn);
        } catch (LDAPException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}

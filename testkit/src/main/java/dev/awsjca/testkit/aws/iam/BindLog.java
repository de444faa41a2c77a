package dev.awsjca.testkit.aws.iam;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Every bind the IAM token LDAP server answered, in arrival order, for tests to assert on. */
public final class BindLog {

    private final List<BindAttempt> attempts = new CopyOnWriteArrayList<>();

    BindLog() {
    }

    void record(BindAttempt attempt) {
        attempts.add(attempt);
    }

    public List<BindAttempt> all() {
        return List.copyOf(attempts);
    }

    public int accepted() {
        return count(BindAttempt::accepted);
    }

    public int refused() {
        return count(a -> !a.accepted());
    }

    public int accepted(String dbUser) {
        return count(a -> a.accepted() && Objects.equals(dbUser, a.dbUser()));
    }

    public int refused(TokenCheck reason) {
        return count(a -> a.check() == reason);
    }

    /** How many different tokens were accepted: one per mint, however many logins reused it. */
    public int distinctTokensAccepted() {
        return (int) attempts.stream().filter(BindAttempt::accepted).map(BindAttempt::tokenFingerprint).distinct().count();
    }

    /** The most recent bind, or null. */
    public BindAttempt last() {
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }

    public int count(Predicate<BindAttempt> filter) {
        return (int) attempts.stream().filter(filter).count();
    }

    public void reset() {
        attempts.clear();
    }
}

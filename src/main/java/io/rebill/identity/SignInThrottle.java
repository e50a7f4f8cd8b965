package io.rebill.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed password sign-ins, counted per account (the email typed, whether or not such a user exists, so the answer
 * never tells) and per client address. After {@code accountLimit} failures in a row for an email, or
 * {@code addressLimit} from one address, further attempts are refused without checking the password for a lockout
 * window: {@link #FIRST_LOCK} at first, doubled with each failure after that, at most {@link #LONGEST_LOCK}.
 * Failures are forgotten {@link #MEMORY} after the last one (or after its lock ended); a successful sign-in forgets
 * the account's failures (not the address's, so an attacker's own account cannot reset the count of the address it
 * guesses from).
 *
 * <p>The counts live in a {@link Store}: the application's is PostgreSQL ({@code sign_in_failure},
 * {@link SignInFailures}), so a restart or a second process keeps them; each change of one count is atomic there.
 * The store is bounded: when it holds {@link #MAX_ENTRIES}, entries whose failures are forgotten are dropped first,
 * and an attempt that finds it still full is refused, as a flood of failures from many addresses is itself an attack.
 */
public final class SignInThrottle {
    public static final Duration FIRST_LOCK = Duration.ofMinutes(1);
    public static final Duration LONGEST_LOCK = Duration.ofMinutes(15);
    public static final Duration MEMORY = Duration.ofMinutes(15);
    static final int MAX_ENTRIES = 100_000;

    /** Why an attempt is refused, and until when. */
    public record Lock(Kind kind, Instant until) {
        public enum Kind { ACCOUNT, ADDRESS }

        /** Whole minutes to wait, at least 1: what the sign-in page tells the person. */
        public long minutesFrom(Instant now) {
            long seconds = Math.max(1, Duration.between(now, until).toSeconds());
            return (seconds + 59) / 60;
        }
    }

    /** The failures counted under one key (an email typed, or a client address). */
    public record Failures(int count, Instant last, Instant lockedUntil) {
        /** When nothing of it matters any more: {@link #MEMORY} after the last failure or after its lock ended. */
        public Instant forgetAt() {
            return (lockedUntil.isAfter(last) ? lockedUntil : last).plus(MEMORY);
        }
    }

    /** Where the counts live; every change of one key is atomic. */
    public interface Store {
        Optional<Failures> get(String key);

        /** Applies {@code change} to the key's failures (null when it has none) atomically and returns the result. */
        Failures update(String key, java.util.function.UnaryOperator<Failures> change);

        void remove(String key);

        /** Drops every entry forgotten at {@code now}. */
        void forget(Instant now);

        long size();
    }

    /** Counts in this process only: for tests of the arithmetic. */
    public static final class InMemory implements Store {
        private final Map<String, Failures> failures = new ConcurrentHashMap<>();

        @Override
        public Optional<Failures> get(String key) {
            return Optional.ofNullable(failures.get(key));
        }

        @Override
        public Failures update(String key, java.util.function.UnaryOperator<Failures> change) {
            return failures.compute(key, (k, old) -> change.apply(old));
        }

        @Override
        public void remove(String key) {
            failures.remove(key);
        }

        @Override
        public void forget(Instant now) {
            failures.values().removeIf(f -> forgotten(f, now));
        }

        @Override
        public long size() {
            return failures.size();
        }
    }

    private final int accountLimit;
    private final int addressLimit;
    private final Clock clock;
    private final Store failures;

    public SignInThrottle(int accountLimit, int addressLimit, Clock clock, Store store) {
        if (accountLimit < 1 || addressLimit < 1) {
            throw new IllegalArgumentException("sign-in limits must be at least 1");
        }
        this.accountLimit = accountLimit;
        this.addressLimit = addressLimit;
        this.clock = clock;
        this.failures = store;
    }

    /** The lock that refuses an attempt now for this email from this address, if any. */
    public Optional<Lock> lock(String email, String address) {
        Instant now = clock.instant();
        Optional<Lock> account = lockOf(accountKey(email), Lock.Kind.ACCOUNT, now);
        return account.isPresent() ? account : lockOf(addressKey(address), Lock.Kind.ADDRESS, now);
    }

    /** Counts a refused password; returns the lock it starts, if it starts one. */
    public Optional<Lock> failed(String email, String address) {
        Instant now = clock.instant();
        if (failures.size() >= MAX_ENTRIES) {
            failures.forget(now);
        }
        Failures account = count(accountKey(email), accountLimit, now);
        Failures from = count(addressKey(address), addressLimit, now);
        if (account.lockedUntil().isAfter(now)) {
            return Optional.of(new Lock(Lock.Kind.ACCOUNT, account.lockedUntil()));
        }
        return from.lockedUntil().isAfter(now) ? Optional.of(new Lock(Lock.Kind.ADDRESS, from.lockedUntil()))
                : Optional.empty();
    }

    /** A correct password: the account's failures are forgotten. */
    public void succeeded(String email) {
        failures.remove(accountKey(email));
    }

    private Failures count(String key, int limit, Instant now) {
        if (failures.get(key).isEmpty() && failures.size() >= MAX_ENTRIES) {
            // full of live entries: refuse rather than grow without bound
            return new Failures(limit, now, now.plus(FIRST_LOCK));
        }
        return failures.update(key, old -> {
            int count = old == null || forgotten(old, now) ? 1 : old.count() + 1;
            Instant lockedUntil = count < limit ? Instant.EPOCH : now.plus(lockFor(count - limit));
            return new Failures(count, now, lockedUntil);
        });
    }

    /** The lock after the limit was reached and {@code beyond} more failures: 1, 2, 4, 8 minutes, ... at most 15. */
    static Duration lockFor(int beyond) {
        Duration lock = FIRST_LOCK;
        for (int i = 0; i < beyond && lock.compareTo(LONGEST_LOCK) < 0; i++) {
            lock = lock.multipliedBy(2);
        }
        return lock.compareTo(LONGEST_LOCK) > 0 ? LONGEST_LOCK : lock;
    }

    private Optional<Lock> lockOf(String key, Lock.Kind kind, Instant now) {
        return failures.get(key).filter(f -> f.lockedUntil().isAfter(now)).map(f -> new Lock(kind, f.lockedUntil()));
    }

    private static boolean forgotten(Failures f, Instant now) {
        return !f.forgetAt().isAfter(now);
    }

    private static String accountKey(String email) {
        // no address is longer than 254 characters; a longer typed name still counts, under its first 300
        String typed = email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
        return "account:" + (typed.length() > 300 ? typed.substring(0, 300) : typed);
    }

    private static String addressKey(String address) {
        String from = address == null ? "" : address;
        return "address:" + (from.length() > 300 ? from.substring(0, 300) : from);
    }
}

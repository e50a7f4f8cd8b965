package io.rebill.identity;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The sign-in throttle's arithmetic on a clock the test moves: limits, doubling locks, forgetting, success. */
class SignInThrottleTest {
    private static final String HOME = "198.51.100.7";
    private final MovableClock clock = new MovableClock();
    private final SignInThrottle throttle = new SignInThrottle(5, 20, clock, new SignInThrottle.InMemory());

    @Test
    void theFifthFailureLocksTheAccountForAMinuteAndEachLaterOneDoublesItUpTo15() {
        for (int i = 1; i <= 4; i++) {
            assertThat(throttle.failed("Ann@Example.com", HOME)).as("failure %d", i).isEmpty();
        }
        var lock = throttle.failed("ann@example.com", HOME).orElseThrow();
        assertThat(lock.kind()).isEqualTo(SignInThrottle.Lock.Kind.ACCOUNT);
        assertThat(Duration.between(clock.instant(), lock.until())).isEqualTo(Duration.ofMinutes(1));
        assertThat(throttle.lock(" ann@example.COM ", "203.0.113.1")).as("any address, any spelling").isPresent();

        clock.advance(Duration.ofSeconds(61));
        assertThat(throttle.lock("ann@example.com", HOME)).isEmpty();
        var minutes = new java.util.ArrayList<Long>();
        for (int i = 0; i < 6; i++) {
            var next = throttle.failed("ann@example.com", HOME).orElseThrow();
            minutes.add(Duration.between(clock.instant(), next.until()).toMinutes());
            clock.advance(Duration.between(clock.instant(), next.until()).plusSeconds(1));
        }
        assertThat(minutes).containsExactly(2L, 4L, 8L, 15L, 15L, 15L);
    }

    @Test
    void twentyFailuresFromOneAddressLockTheAddressForEveryEmail() {
        for (int i = 1; i < 20; i++) {
            assertThat(throttle.failed("user" + i + "@example.com", HOME)).isEmpty();
        }
        var lock = throttle.failed("user20@example.com", HOME).orElseThrow();
        assertThat(lock.kind()).isEqualTo(SignInThrottle.Lock.Kind.ADDRESS);
        assertThat(throttle.lock("someone-else@example.com", HOME)).isPresent();
        assertThat(throttle.lock("someone-else@example.com", "203.0.113.1")).isEmpty();
    }

    @Test
    void failuresAreForgotten15MinutesAfterTheLastAndASuccessForgetsTheAccountsOnly() {
        for (int i = 0; i < 4; i++) {
            throttle.failed("bob@example.com", HOME);
        }
        clock.advance(SignInThrottle.MEMORY.plusSeconds(1));
        assertThat(throttle.failed("bob@example.com", HOME)).as("counting starts again").isEmpty();

        for (int i = 0; i < 3; i++) {
            throttle.failed("bob@example.com", HOME);
        }
        throttle.succeeded("bob@example.com");
        for (int i = 0; i < 4; i++) {
            assertThat(throttle.failed("bob@example.com", HOME)).isEmpty();
        }
        // the address kept its 8 failures (1 + 3 + 4): 11 more and the last make 20
        for (int i = 0; i < 11; i++) {
            assertThat(throttle.failed("x" + i + "@example.com", HOME)).isEmpty();
        }
        assertThat(throttle.failed("last@example.com", HOME)).map(SignInThrottle.Lock::kind)
                .contains(SignInThrottle.Lock.Kind.ADDRESS);
    }

    @Test
    void theWaitIsToldInWholeMinutes() {
        Instant now = clock.instant();
        assertThat(new SignInThrottle.Lock(SignInThrottle.Lock.Kind.ACCOUNT, now.plusSeconds(61)).minutesFrom(now))
                .isEqualTo(2);
        assertThat(new SignInThrottle.Lock(SignInThrottle.Lock.Kind.ACCOUNT, now.plusSeconds(1)).minutesFrom(now))
                .isEqualTo(1);
    }

    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-06T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package io.rebill.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Issue 14 item 5: the sign-in throttle's counts live in PostgreSQL, so restarting the server does not reset them.
 * Five wrong passwords pause the email; the server stops and starts again on the same data folder; the right
 * password is still refused with the pause's message, and another email still signs in.
 */
class SignInThrottleRestartTest {
    private static final String OWNER = "owner@msp.example";
    private static final String PASSWORD = "restart-password-1";

    @TempDir
    Path home;

    @Test
    void aPausedEmailStaysPausedAfterTheServerRestarts() {
        Map<String, String> properties = Map.of("rebill.home", home.toString(), "rebill.database.url", "",
                "rebill.admin.email", OWNER, "rebill.admin.password", PASSWORD, "server.port", "0",
                "server.address", "127.0.0.1", "rebill.billing.automatic", "false",
                "rebill.integrations.scheduled-sync", "false");
        String victim = "victim@msp.example";
        try (ConfigurableApplicationContext first = RebillServer.start(properties)) {
            PortalClient owner = PortalClient.signIn(port(first), OWNER, PASSWORD);
            assertThat(owner.post("/api/v1/users", Map.of("email", victim, "role", "viewer",
                    "password", "victim-password-1")).status()).isEqualTo(201);
            PortalClient guesser = PortalClient.anonymous(port(first));
            for (int i = 1; i <= 4; i++) {
                guesser.login(victim, "wrong-guess-" + i);
                assertThat(guesser.lastLocation()).as("failure %d", i).endsWith("/login?error");
            }
            guesser.login(victim, "wrong-guess-5");
            assertThat(guesser.lastLocation()).endsWith("/login?locked=1");
        }
        Instant locked = Instant.now();

        try (ConfigurableApplicationContext second = RebillServer.start(properties)) {
            // the first pause lasts a minute: a restart slower than that (a very loaded machine) proves nothing
            assumeThat(Duration.between(locked, Instant.now())).as("restart within the minute's pause")
                    .isLessThan(Duration.ofSeconds(50));
            PortalClient person = PortalClient.anonymous(port(second));
            person.login(victim, "victim-password-1");
            assertThat(person.lastLocation()).as("still paused after the restart, even for the right password")
                    .endsWith("/login?locked=1");
            assertThat(person.page("/login?locked=1").body()).contains("Too many failed sign-ins for this email or"
                    + " from your address. Sign-in is paused: try again in a minute.");
            assertThat(PortalClient.signIn(port(second), OWNER, PASSWORD).get("/api/v1/me").status())
                    .as("another email from the same address signs in").isEqualTo(200);
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }
}

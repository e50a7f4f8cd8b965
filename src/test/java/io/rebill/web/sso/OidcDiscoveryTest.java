package io.rebill.web.sso;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery documents: read once per hour per issuer, the last good one kept through an outage, mistakes named. */
class OidcDiscoveryTest {
    private HttpServer server;
    private String issuer;
    private final AtomicInteger reads = new AtomicInteger();
    private volatile int status = 200;
    private volatile String namedIssuer;
    private final MovableClock clock = new MovableClock();
    private OidcDiscovery discovery;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/tenant";
        namedIssuer = issuer;
        server.createContext("/tenant/.well-known/openid-configuration", exchange -> {
            reads.incrementAndGet();
            byte[] body = document(namedIssuer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        discovery = new OidcDiscovery(JsonMapper.builder().build(), clock);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aDocumentIsReadOnceWhileFreshAndAgainAfterAnHour() {
        assertThat(discovery.configuration(issuer)).containsEntry("token_endpoint", issuer + "/token");
        discovery.configuration(issuer);
        clock.advance(OidcDiscovery.FRESH.minusSeconds(1));
        discovery.configuration(issuer);
        assertThat(reads).hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        discovery.configuration(issuer);
        assertThat(reads).hasValue(2);
    }

    @Test
    void theLastGoodDocumentServesThroughAnOutageButSavingNeedsAReachableProvider() {
        discovery.configuration(issuer);
        status = 503;
        clock.advance(OidcDiscovery.FRESH.plusMinutes(1));

        assertThat(discovery.configuration(issuer)).containsEntry("issuer", issuer);
        assertThatThrownBy(() -> discovery.refresh(issuer)).isInstanceOf(SsoUnavailableException.class)
                .hasMessageContaining(issuer + "/.well-known/openid-configuration").hasMessageContaining("HTTP 503");
    }

    @Test
    void aDocumentThatNamesAnotherIssuerIsRefused() {
        namedIssuer = issuer + "/";

        assertThatThrownBy(() -> discovery.configuration(issuer)).isInstanceOf(SsoUnavailableException.class)
                .hasMessageContaining("names the issuer '" + issuer + "/'");
    }

    @Test
    void anUnreachableProviderIsNamed() {
        server.stop(0);

        assertThatThrownBy(() -> discovery.configuration(issuer)).isInstanceOf(SsoUnavailableException.class)
                .hasMessageContaining("cannot be reached");
    }

    private static String document(String issuer) {
        return """
                {"issuer": "%1$s", "authorization_endpoint": "%1$s/authorize", "token_endpoint": "%1$s/token",
                 "jwks_uri": "%1$s/jwks", "userinfo_endpoint": "%1$s/userinfo", "response_types_supported": ["code"],
                 "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                 "end_session_endpoint": null}
                """.formatted(issuer);
    }

    /** A clock the test moves by hand (no waiting, no timed assertions). */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-22T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

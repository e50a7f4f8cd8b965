package io.rebill.web.sso;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
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
import static org.assertj.core.api.Assertions.catchThrowable;

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
        // the provider runs on this machine over http: what an operator allows with rebill.sso.allow-http-issuers
        discovery = new OidcDiscovery(JsonMapper.builder().build(), clock, new IssuerAddresses(false, true));
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

    /**
     * Issue 14 item 7: by default a discovery request goes only to https on a public address. Private, loopback,
     * link-local (cloud metadata) and other special addresses are refused before any request is sent.
     */
    @Test
    void byDefaultOnlyHttpsOnPublicAddressesIsFetched() {
        OidcDiscovery strict = new OidcDiscovery(JsonMapper.builder().build(), clock, IssuerAddresses.publicHttpsOnly());
        int port = server.getAddress().getPort();
        assertThatThrownBy(() -> strict.refresh(issuer)).as(issuer).isInstanceOf(SsoUnavailableException.class)
                .hasMessageContaining("not an https:// address");
        for (String refused : List.of("https://127.0.0.1:" + port + "/tenant", "https://localhost:" + port + "/tenant",
                "https://[::1]:" + port + "/tenant", "https://169.254.169.254/latest/meta-data",
                "https://10.0.0.8/realms/acme", "https://172.16.5.5", "https://192.168.1.10", "https://100.64.0.1",
                "https://0.0.0.0:" + port, "https://[fd00::1]", "https://[fe80::1]", "https://[::ffff:127.0.0.1]",
                "https://[::ffff:10.0.0.1]")) {
            assertThatThrownBy(() -> strict.refresh(refused)).as(refused).isInstanceOf(SsoUnavailableException.class)
                    .hasMessageContaining("is not on a public address");
        }
        assertThat(reads).as("no request reached the server").hasValue(0);
        assertThat(IssuerAddresses.isPublic(address("93.184.215.14"))).isTrue();
        assertThat(IssuerAddresses.isPublic(address("2606:2800:21f:cb07:6820:80da:af6b:8b2c"))).isTrue();
    }

    /** A document that sends the server's own requests (tokens, keys) elsewhere than the rule allows is refused. */
    @Test
    void aDocumentWhoseTokenEndpointGoesToCloudMetadataIsRefused() {
        server.removeContext("/tenant/.well-known/openid-configuration");
        server.createContext("/tenant/.well-known/openid-configuration", exchange -> {
            byte[] body = document(issuer).replace(issuer + "/token", "http://169.254.169.254/token")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        assertThatThrownBy(() -> discovery.refresh(issuer)).isInstanceOf(SsoUnavailableException.class)
                .hasMessageContaining("token_endpoint http://169.254.169.254/token cannot be used: it is not an"
                        + " https:// address");
    }

    /**
     * A closed port, a plain-text listener and a TLS server whose certificate is not trusted get the same answer
     * (the URL aside), so the form cannot be used to map which ports of a host listen and speak what.
     */
    @Test
    void closedPortsPlainTextListenersAndTlsFailuresGetTheSameAnswer() throws Exception {
        OidcDiscovery https = new OidcDiscovery(JsonMapper.builder().build(), clock, new IssuerAddresses(true, false));
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        HttpsServer tls = untrustedTlsServer();
        try {
            List<String> answers = new ArrayList<>();
            for (int port : List.of(closed, server.getAddress().getPort(), tls.getAddress().getPort())) {
                String target = "https://127.0.0.1:" + port + "/tenant";
                Throwable refused = catchThrowable(() -> https.refresh(target));
                assertThat(refused).isInstanceOf(SsoUnavailableException.class);
                answers.add(refused.getMessage().replace(":" + port + "/", ":PORT/"));
            }
            assertThat(answers).containsOnly("the identity provider's discovery document"
                    + " https://127.0.0.1:PORT/tenant/.well-known/openid-configuration could not be used: it cannot be"
                    + " reached (no OpenID Connect provider answered there over HTTPS)");
        } finally {
            tls.stop(0);
        }
    }

    /** An HTTPS server on loopback with a fresh self-signed certificate (keytool of the running JDK). */
    private static HttpsServer untrustedTlsServer() throws Exception {
        Path dir = Files.createTempDirectory("oidc-tls");
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        // the key is in memory now; the folder would stay in /tmp after every run
        io.rebill.shared.io.Trees.delete(dir);
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(factory.getKeyManagers(), null, null);
        HttpsServer tls = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tls.setHttpsConfigurator(new HttpsConfigurator(context));
        tls.createContext("/", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        tls.start();
        return tls;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
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

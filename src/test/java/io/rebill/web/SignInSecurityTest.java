package io.rebill.web;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.tenancy.AccountKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Issue 14 item 5 over real HTTP: the sign-in throttle per account and per client address, the session cookie and
 * HSTS over HTTPS, the Content-Security-Policy and Referrer-Policy, and the loopback-only listener. The server runs
 * as behind a TLS proxy ({@code --behind-proxy}: {@code server.forward-headers-strategy=native}), so the test names
 * client addresses with {@code X-Forwarded-For} and HTTPS with {@code X-Forwarded-Proto}, as such a proxy does.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + SignInSecurityTest.PASSWORD, "rebill.database.url=",
                "rebill.admin.email=owner@msp.example", "server.forward-headers-strategy=native",
                "rebill.billing.automatic=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // stop PostgreSQL before @TempDir is deleted
class SignInSecurityTest {
    static final String PASSWORD = "sign-in-password-1";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final AtomicInteger SERIAL = new AtomicInteger();

    @TempDir
    static Path home;

    @LocalServerPort
    int port;
    @Autowired
    Users users;

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    /**
     * One browser at a client address and scheme the proxy reports. It keeps its cookies itself and always sends
     * them: the connection is plain HTTP, and a cookie store would rightly keep a Secure cookie off it.
     */
    private final class Browser {
        private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        private final Map<String, String> cookies = new LinkedHashMap<>();
        private final String address;
        private final String scheme;

        Browser(String address, String scheme) {
            this.address = address;
            this.scheme = scheme;
        }

        HttpResponse<String> get(String path) {
            return send(request(path).GET().build());
        }

        /** Posts the login form; the answer is a redirect whose Location says how it went. */
        HttpResponse<String> signIn(String email, String password) {
            Matcher csrf = CSRF.matcher(get("/login").body());
            assertThat(csrf.find()).as("the login form has its CSRF token").isTrue();
            String form = "username=" + enc(email) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1));
            return send(request("/login").header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        }

        private HttpRequest.Builder request(String path) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("X-Forwarded-For", address).header("X-Forwarded-Proto", scheme);
            if (!cookies.isEmpty()) {
                request.header("Cookie", String.join("; ", cookies.entrySet().stream()
                        .map(c -> c.getKey() + "=" + c.getValue()).toList()));
            }
            return request;
        }

        private HttpResponse<String> send(HttpRequest request) {
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
            for (String cookie : response.headers().allValues("Set-Cookie")) {
                String pair = cookie.split(";", 2)[0];
                cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
            return response;
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String location(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        return URI.create(r.headers().firstValue("Location").orElseThrow()).getRawPath()
                + Optional.ofNullable(URI.create(r.headers().firstValue("Location").orElseThrow()).getRawQuery())
                .map(q -> "?" + q).orElse("");
    }

    private String newUser() {
        String email = "person-" + SERIAL.incrementAndGet() + "@msp.example";
        UUID msp = users.memberships(users.findByEmail("owner@msp.example").orElseThrow().id()).getFirst().accountId();
        users.addMember(msp, AccountKind.MSP, email, "Person", Optional.of(PASSWORD), Role.VIEWER, "test");
        return email;
    }

    private static String address() {
        return "198.51.100." + SERIAL.incrementAndGet();
    }

    @Test
    void fiveWrongPasswordsPauseTheAccountFromEveryAddressEvenWithTheRightPassword() {
        String email = newUser();
        Browser browser = new Browser(address(), "http");
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            answers.add(location(browser.signIn(email, "wrong-password-" + i)));
        }
        assertThat(answers).containsExactly("/login?error", "/login?error", "/login?error", "/login?error",
                "/login?locked=1");
        assertThat(location(browser.signIn(email, PASSWORD))).as("the right password while paused")
                .isEqualTo("/login?locked=1");
        Browser elsewhere = new Browser(address(), "http");
        assertThat(location(elsewhere.signIn(email, PASSWORD))).as("from another address").isEqualTo("/login?locked=1");
        assertThat(elsewhere.get("/login?locked=1").body())
                .contains("Too many failed sign-ins for this email or from your address. Sign-in is paused: try"
                        + " again in a minute.");

        String other = newUser();
        assertThat(location(browser.signIn(other, PASSWORD))).as("another account from the first address").isEqualTo("/");
        // an address that does not exist is paused the same way, so the answer never tells whether it exists
        Browser guesser = new Browser(address(), "http");
        for (int i = 0; i < 4; i++) {
            guesser.signIn("nobody-" + SERIAL.get() + "@msp.example", "wrong-password");
        }
        assertThat(location(guesser.signIn("nobody-" + SERIAL.get() + "@msp.example", "wrong-password")))
                .isEqualTo("/login?locked=1");
    }

    @Test
    void twentyFailuresFromOneAddressPauseEveryAccountFromThatAddressOnly() {
        String email = newUser();
        String address = address();
        Browser attacker = new Browser(address, "http");
        List<String> last = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            last.add(location(attacker.signIn("guess-" + i + "-" + SERIAL.incrementAndGet() + "@msp.example",
                    "wrong-password")));
        }
        assertThat(last.subList(0, 19)).containsOnly("/login?error");
        assertThat(last.get(19)).isEqualTo("/login?locked=1");
        assertThat(location(new Browser(address, "http").signIn(email, PASSWORD))).isEqualTo("/login?locked=1");
        assertThat(location(new Browser(address(), "http").signIn(email, PASSWORD))).isEqualTo("/");
    }

    @Test
    void overHttpsTheSessionCookieIsSecureAndHstsIsSentOverHttpNeither() {
        String email = newUser();
        Browser https = new Browser(address(), "https");
        HttpResponse<String> signedIn = https.signIn(email, PASSWORD);
        assertThat(location(signedIn)).isEqualTo("/");
        assertThat(sessionCookie(signedIn)).contains("; Secure").contains("; HttpOnly");
        assertThat(https.get("/login").headers().firstValue("Strict-Transport-Security"))
                .contains("max-age=31536000 ; includeSubDomains");

        Browser http = new Browser(address(), "http");
        HttpResponse<String> plain = http.signIn(email, PASSWORD);
        assertThat(sessionCookie(plain)).doesNotContain("Secure").contains("; HttpOnly");
        assertThat(http.get("/login").headers().firstValue("Strict-Transport-Security")).isEmpty();
    }

    private static String sessionCookie(HttpResponse<String> r) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("JSESSIONID=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie in " + r.headers().map()));
    }

    @Test
    void pagesAndTheApiSendAPolicyWithoutInlineScriptAndAReferrerPolicy() {
        Browser browser = new Browser(address(), "http");
        for (HttpResponse<String> r : List.of(browser.get("/login"), browser.get("/api/v1/me"),
                browser.get("/api/docs"))) {
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("default-src 'self'").contains("script-src 'self';")
                    .contains("object-src 'none'").contains("frame-ancestors 'none'");
            assertThat(csp.replaceAll(".*script-src ([^;]*);.*", "$1")).doesNotContain("unsafe");
            assertThat(r.headers().firstValue("Referrer-Policy")).contains("strict-origin-when-cross-origin");
        }
    }

    /** What the policy refuses must not be in the pages: no script element with a body, no on...= handler. */
    @Test
    void noTemplateHasInlineScript() throws IOException {
        Pattern inline = Pattern.compile("<script(?![^>]*\\bth:src=|[^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=",
                Pattern.CASE_INSENSITIVE);
        List<String> found = new ArrayList<>();
        try (Stream<Path> templates = Files.list(Path.of("src/main/resources/templates"))) {
            for (Path t : templates.toList()) {
                Matcher m = inline.matcher(Files.readString(t));
                while (m.find()) {
                    found.add(t.getFileName() + ": " + m.group());
                }
            }
        }
        assertThat(found).isEmpty();
    }

    /** docs/security.md: without --bind the server listens on 127.0.0.1 only. */
    @Test
    void theServerListensOnLoopbackOnly() throws IOException {
        Optional<InetAddress> external = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
        assumeThat(external).as("this machine has a non-loopback IPv4 address").isPresent();
        try (Socket loopback = new Socket()) {
            loopback.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        assertThatThrownBy(() -> {
            try (Socket outside = new Socket()) {
                outside.connect(new InetSocketAddress(external.get(), port), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }
}

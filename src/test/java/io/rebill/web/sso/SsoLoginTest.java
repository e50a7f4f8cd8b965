package io.rebill.web.sso;

import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SSO of customer accounts end to end: a real OpenID Connect provider (mock-oauth2-server, its own HTTP server on a
 * free port of this machine) and the real authorization-code flow, each redirect followed by hand as a browser would.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + SsoLoginTest.PASSWORD, "rebill.database.url=",
                "rebill.admin.email=owner@msp.example", "rebill.sso.allow-http-issuers=true"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SsoLoginTest {
    static final String PASSWORD = "owner-password-123";
    private static final Pattern FORM_CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final MockOAuth2Server provider = new MockOAuth2Server();

    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;
    @Autowired
    io.rebill.identity.SsoConnections ssoConnections;

    PortalClient owner;

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @BeforeAll
    static void startProvider() {
        provider.start();
    }

    @AfterAll
    static void stopProvider() {
        provider.shutdown();
    }

    @BeforeEach
    void signIn() {
        owner = PortalClient.signIn(port, "owner@msp.example", PASSWORD);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // sign-in

    @Test
    void aNewPersonOfTheDomainIsCreatedInThatAccountWithTheDefaultRoleAndSignedIn() {
        String acme = customerWithSso("Acme SSO", "acme-sso", "acme-sso.example", "editor");

        Signed alice = ssoSignIn("alice@acme-sso.example", "acme-sso", "alice-sub",
                Map.of("email", "alice@acme-sso.example", "name", "Alice Liddell"));

        assertThat(alice.landing()).as(alice.describe()).endsWith("/");
        JsonNode me = alice.client().get("/api/v1/me").body();
        assertThat(me.path("email").asString()).isEqualTo("alice@acme-sso.example");
        assertThat(me.path("name").asString()).isEqualTo("Alice Liddell");
        assertThat(me.path("account").path("id").asString()).isEqualTo(acme);
        assertThat(me.path("account").path("kind").asString()).isEqualTo("customer");
        assertThat(me.path("role").asString()).isEqualTo("editor");
        assertThat(me.path("permissions").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrder("VIEW_ACCOUNT", "CREATE_ACCOUNT_RESOURCES");
        assertThat(alice.client().get("/api/v1/managed_accounts").status()).isEqualTo(403);
        assertThat(alice.client().get("/api/v1/sso").status()).isEqualTo(403);

        // the account's users list shows the new user, without a password, with the connection's default role
        owner.post("/api/v1/managed_accounts/" + acme + "/enter", Map.of());
        JsonNode listed = owner.get("/api/v1/users?limit=200").body().path("items").valueStream()
                .filter(u -> u.path("email").asString().equals("alice@acme-sso.example")).findFirst().orElseThrow();
        assertThat(listed.path("role").asString()).isEqualTo("editor");
        assertThat(listed.path("password_sign_in").asBoolean()).isFalse();
        assertThat(listed.path("created_by").asString()).isEqualTo("SSO");
        List<String> actions = owner.get("/api/v1/audit_logs?limit=200").body().path("items").valueStream()
                .filter(e -> e.path("actor_email").asString().equals("alice@acme-sso.example"))
                .map(e -> e.path("action").asString()).toList();
        assertThat(actions).contains("sso.login", "user.create");
    }

    @Test
    void aSecondSignInReusesTheUser() {
        String acme = customerWithSso("Reuse Ltd", "reuse", "reuse.example", "viewer");

        Signed first = ssoSignIn("bob@reuse.example", "reuse", "bob-sub", Map.of("email", "bob@reuse.example"));
        Signed second = ssoSignIn("bob@reuse.example", "reuse", "bob-sub", Map.of("email", "BOB@Reuse.example"));

        String firstId = first.client().get("/api/v1/me").body().path("user_id").asString();
        String secondId = second.client().get("/api/v1/me").body().path("user_id").asString();
        assertThat(secondId).isEqualTo(firstId);
        assertThat(jdbc.sql("SELECT count(*) FROM app_user WHERE lower(email) = 'bob@reuse.example'").query(Long.class)
                .single()).isOne();
        assertThat(jdbc.sql("SELECT count(*) FROM audit_log WHERE action = 'sso.login' AND account_id = :a")
                .param("a", UUID.fromString(acme)).query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void anExistingPasswordUserOfTheAccountMaySignInWithSsoToo() {
        String acme = customerWithSso("Both Ways", "both", "both.example", "viewer");
        owner.post("/api/v1/managed_accounts/" + acme + "/enter", Map.of());
        Response created = owner.post("/api/v1/users", Map.of("email", "cfo@both.example", "name", "Chief",
                "role", "owner", "password", "a-long-password-1"));
        assertThat(created.status()).as(created.text()).isEqualTo(201);

        Signed cfo = ssoSignIn("cfo@both.example", "both", "cfo-sub", Map.of("email", "cfo@both.example"));

        JsonNode me = cfo.client().get("/api/v1/me").body();
        assertThat(me.path("user_id").asString()).isEqualTo(created.body().path("id").asString());
        assertThat(me.path("role").asString()).isEqualTo("owner");
        // and the password keeps working
        PortalClient.signIn(port, "cfo@both.example", "a-long-password-1");
    }

    @Test
    void anEmailOfAnotherDomainIsRefused() {
        customerWithSso("Strict", "strict", "strict.example", "viewer");

        Signed mallory = ssoSignIn("mallory@strict.example", "strict", "mallory-sub",
                Map.of("email", "mallory@elsewhere.example"));

        assertThat(mallory.landing()).endsWith("/login/sso");
        assertThat(mallory.page()).contains("mallory@elsewhere.example").contains("@strict.example only");
        assertThat(mallory.client().get("/api/v1/me").status()).isEqualTo(401);
        assertThat(jdbc.sql("SELECT count(*) FROM app_user WHERE email = 'mallory@elsewhere.example'")
                .query(Long.class).single()).isZero();
    }

    @Test
    void aTokenWithoutEmailOrWithAnUnverifiedEmailIsRefused() {
        customerWithSso("Careful", "careful", "careful.example", "viewer");

        Signed noEmail = ssoSignIn("x@careful.example", "careful", "x-sub", Map.of("name", "No Mail"));
        assertThat(noEmail.page()).contains("sent no email address");

        Signed unverified = ssoSignIn("y@careful.example", "careful", "y-sub",
                Map.of("email", "y@careful.example", "email_verified", false));
        assertThat(unverified.page()).contains("not verified");
        assertThat(jdbc.sql("SELECT count(*) FROM app_user WHERE email LIKE '%@careful.example'").query(Long.class)
                .single()).isZero();
    }

    @Test
    void theSsoOfOneAccountCannotSignInToAnother() {
        customerWithSso("Alpha Inc", "alpha", "alpha.example", "owner");
        String b = customerWithSso("Beta Inc", "beta", "beta.example", "viewer");
        // Beta has a user whose address is in Alpha's domain (a contractor, say)
        owner.post("/api/v1/managed_accounts/" + b + "/enter", Map.of());
        Response carol = owner.post("/api/v1/users", Map.of("email", "carol@alpha.example", "role", "viewer",
                "password", "carols-password-1"));
        assertThat(carol.status()).as(carol.text()).isEqualTo(201);

        // Alpha's provider vouching for a Beta address: refused by domain
        Signed intoBeta = ssoSignIn("dan@alpha.example", "alpha", "dan-sub", Map.of("email", "dan@beta.example"));
        assertThat(intoBeta.page()).contains("@alpha.example only");
        // Alpha's provider vouching for Beta's user in Alpha's domain: refused, not moved
        Signed moved = ssoSignIn("carol@alpha.example", "alpha", "carol-sub", Map.of("email", "carol@alpha.example"));
        assertThat(moved.page()).contains("carol@alpha.example is a user of another Rebill account");
        assertThat(jdbc.sql("SELECT account_id FROM membership m JOIN app_user u ON u.id = m.user_id"
                + " WHERE u.email = 'carol@alpha.example'").query(UUID.class).list()).containsExactly(UUID.fromString(b));
        // Beta's own people land in Beta
        Signed beth = ssoSignIn("beth@beta.example", "beta", "beth-sub", Map.of("email", "beth@beta.example"));
        assertThat(beth.client().get("/api/v1/me").body().path("account").path("id").asString()).isEqualTo(b);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // routing on the login page

    @Test
    void aDomainWithoutSsoIsToldToUseThePasswordForm() {
        HttpClient http = browser();
        HttpResponse<String> page = postSsoEmail(http, "someone@no-sso.example");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("SSO is not set up for no-sso.example").contains("name=\"password\"");
    }

    @Test
    void theLoginPageKeepsThePasswordFormAndOffersSso() {
        String page = owner.page("/login").body();

        assertThat(page).contains("action=\"/login\"").contains("action=\"/login/sso\"").contains("Sign in with SSO");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the configuration API

    @Test
    void theSecretIsWriteOnlyAndMayBeLeftOutOnUpdate() {
        String id = createCustomer("Secretive", "secretive");
        owner.post("/api/v1/managed_accounts/" + id + "/enter", Map.of());

        Response put = owner.put("/api/v1/sso", Map.of("email_domain", "Secretive.example", "issuer",
                issuer("secretive"), "client_id", "rebill", "client_secret", "very-secret-value"));
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.text()).doesNotContain("very-secret-value");
        assertThat(put.body().path("email_domain").asString()).isEqualTo("secretive.example");
        assertThat(put.body().path("client_secret_set").asBoolean()).isTrue();
        assertThat(put.body().path("default_role").asString()).isEqualTo("viewer");
        assertThat(put.body().path("created_by").asString()).isEqualTo("Manager User");
        assertThat(put.body().path("redirect_uri").asString())
                .isEqualTo("http://localhost:" + port + "/login/oauth2/code/" + id);

        Response changed = owner.put("/api/v1/sso", Map.of("email_domain", "secretive.example", "issuer",
                issuer("secretive"), "client_id", "rebill-2", "default_role", "editor"));
        assertThat(changed.status()).as(changed.text()).isEqualTo(200);
        assertThat(owner.get("/api/v1/sso").text()).doesNotContain("very-secret-value").contains("rebill-2");
        // kept, and sealed at rest (docs/security.md): the row holds no plain text, the connection opens to the secret
        assertThat(jdbc.sql("SELECT client_secret FROM sso_connection WHERE account_id = :a")
                .param("a", UUID.fromString(id)).query(String.class).single()).startsWith("rbs1:")
                .doesNotContain("very-secret-value");
        assertThat(ssoConnections.find(UUID.fromString(id)).orElseThrow().clientSecret()).isEqualTo("very-secret-value");
        var audit = owner.get("/api/v1/audit_logs?limit=200").text();
        assertThat(audit).contains("sso.create").contains("sso.update").doesNotContain("very-secret-value");
    }

    @Test
    void aDomainRoutesToOneAccountAndNeverToAnMspsOwnDomain() {
        customerWithSso("First Owner", "first", "taken.example", "viewer");
        String second = createCustomer("Second", "second");
        owner.post("/api/v1/managed_accounts/" + second + "/enter", Map.of());

        Response taken = owner.put("/api/v1/sso", settings("TAKEN.example", "second"));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.detail()).contains("taken.example").contains("another account");

        Response msp = owner.put("/api/v1/sso", settings("msp.example", "second"));
        assertThat(msp.status()).isEqualTo(400);
        assertThat(msp.detail()).contains("msp.example").contains("MSP");

        Response notADomain = owner.put("/api/v1/sso", settings("not a domain", "second"));
        assertThat(notADomain.status()).isEqualTo(400);
        assertThat(notADomain.detail()).contains("email_domain");
    }

    @Test
    void anIssuerThatCannotBeReadIsRefusedWithTheReason() {
        String id = createCustomer("Offline", "offline");
        owner.post("/api/v1/managed_accounts/" + id + "/enter", Map.of());

        Response unreachable = owner.put("/api/v1/sso", Map.of("email_domain", "offline.example",
                "issuer", "http://localhost:1/nobody", "client_id", "c", "client_secret", "s"));
        assertThat(unreachable.status()).isEqualTo(400);
        assertThat(unreachable.detail()).contains("http://localhost:1/nobody/.well-known/openid-configuration")
                .contains("cannot be reached");

        Response plainHttp = owner.put("/api/v1/sso", Map.of("email_domain", "offline.example",
                "issuer", "http://login.offline.example/", "client_id", "c", "client_secret", "s"));
        assertThat(plainHttp.status()).isEqualTo(400);
        assertThat(plainHttp.detail()).contains("https://");

        Response wrongIssuer = owner.put("/api/v1/sso", Map.of("email_domain", "offline.example",
                "issuer", issuer("offline") + "/", "client_id", "c", "client_secret", "s"));
        assertThat(wrongIssuer.status()).isEqualTo(400);
        assertThat(wrongIssuer.detail()).contains("names the issuer");
        assertThat(owner.get("/api/v1/sso").status()).isEqualTo(404);
    }

    @Test
    void onlyACustomerAccountsOwnerOrTheMspsStaffInsideItManageSso() {
        Response fromMsp = owner.get("/api/v1/sso");
        assertThat(fromMsp.status()).isEqualTo(403);
        assertThat(fromMsp.detail()).contains("enter the customer account");

        String id = createCustomer("Guarded", "guarded");
        owner.post("/api/v1/managed_accounts/" + id + "/enter", Map.of());
        owner.post("/api/v1/users", Map.of("email", "viewer@guarded.example", "role", "viewer",
                "password", "viewer-password-1"));
        owner.post("/api/v1/users", Map.of("email", "boss@guarded.example", "role", "owner",
                "password", "owner-password-12"));
        PortalClient viewer = PortalClient.signIn(port, "viewer@guarded.example", "viewer-password-1");
        assertThat(viewer.put("/api/v1/sso", settings("guarded.example", "guarded")).status()).isEqualTo(403);

        PortalClient boss = PortalClient.signIn(port, "boss@guarded.example", "owner-password-12");
        Response own = boss.put("/api/v1/sso", settings("guarded.example", "guarded"));
        assertThat(own.status()).as(own.text()).isEqualTo(200);
        assertThat(own.body().path("created_by").asString()).isEqualTo("boss@guarded.example");

        assertThat(boss.delete("/api/v1/sso", null).status()).isEqualTo(204);
        assertThat(boss.get("/api/v1/sso").status()).isEqualTo(404);
        assertThat(postSsoEmail(browser(), "someone@guarded.example").body())
                .contains("SSO is not set up for guarded.example");
    }

    // ---------------------------------------------------------------------------------------------------------------

    private String createCustomer(String name, String alias) {
        owner.post("/api/v1/session/return", Map.of());
        Response r = owner.post("/api/v1/managed_accounts", Map.of("name", name,
                "contact_email", "admin+" + alias + "@msp.example"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().path("id").asString();
    }

    /** A customer account whose SSO is the provider's issuer {@code issuerId}, set up by the MSP's Owner inside it. */
    private String customerWithSso(String name, String issuerId, String domain, String role) {
        String id = createCustomer(name, issuerId);
        owner.post("/api/v1/managed_accounts/" + id + "/enter", Map.of());
        Map<String, String> body = new HashMap<>(settings(domain, issuerId));
        body.put("default_role", role);
        Response put = owner.put("/api/v1/sso", body);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        owner.post("/api/v1/session/return", Map.of());
        return id;
    }

    private static Map<String, String> settings(String domain, String issuerId) {
        return Map.of("email_domain", domain, "issuer", issuer(issuerId), "client_id", clientId(issuerId),
                "client_secret", "secret-of-" + issuerId);
    }

    private static String issuer(String issuerId) {
        return provider.issuerUrl(issuerId).toString();
    }

    private static String clientId(String issuerId) {
        return "rebill-" + issuerId;
    }

    record Signed(PortalClient client, String landing, String page, List<String> trail) {
        String describe() {
            return String.join(" -> ", trail) + "\n" + page;
        }
    }

    /**
     * Types {@code email} under "Sign in with SSO" (its domain picks the account) and runs the authorization-code
     * flow as a browser does: login page -> /oauth2/authorization/<account> -> the
     * provider's authorize endpoint -> /login/oauth2/code/<account> -> where the app sends the person. The provider
     * signs in {@code subject} with {@code claims} (its token callback, consumed by the token request of this flow,
     * stands in for its own login form).
     */
    private Signed ssoSignIn(String email, String issuerId, String subject, Map<String, Object> claims) {
        HttpClient http = browser();
        List<String> trail = new java.util.ArrayList<>();
        HttpResponse<String> response = postSsoEmail(http, email);
        while (response.statusCode() == 302) {
            URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow());
            trail.add(next.toString());
            if (next.getPort() == provider.baseUrl().port()) {
                assertThat(next.getPath()).as("the provider the app sent us to").isEqualTo("/" + issuerId + "/authorize");
                provider.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, subject, "JWT",
                        List.of(clientId(issuerId)), claims, 3600));
            }
            response = get(http, next);
        }
        assertThat(response.statusCode()).as(String.join(" -> ", trail)).isEqualTo(200);
        String landing = trail.isEmpty() ? response.uri().toString() : trail.getLast();
        if (landing.contains("/login/oauth2/code/")) {
            throw new AssertionError("the flow stopped at the callback: " + String.join(" -> ", trail));
        }
        return new Signed(PortalClient.overHttp(port, http), landing, response.body(), trail);
    }

    private HttpResponse<String> postSsoEmail(HttpClient http, String email) {
        HttpResponse<String> login = get(http, URI.create("http://localhost:" + port + "/login"));
        Matcher csrf = FORM_CSRF.matcher(login.body());
        assertThat(csrf.find()).isTrue();
        String form = "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        return send(http, HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login/sso"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) {
        return send(http, HttpRequest.newBuilder(uri).GET().build());
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

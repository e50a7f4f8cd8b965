package io.rebill.web.api;

import io.rebill.identity.ApiTokens;
import io.rebill.identity.TokenScope;
import io.rebill.identity.Users;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API as a contract: the OpenAPI document names exactly the application's /api/v1 routes (so a new endpoint
 * cannot be merged undocumented), it is served open at /api/v1/openapi.json and as a page at /api/docs, and bad
 * input (too large, malformed, mistyped, unknown fields, bad ids) is refused with a problem and changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiContractTest extends ApiTestBase {
    private static final int LIMIT = 1024 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @Autowired
    ApiTokens tokens;

    private final OpenApiContract contract = new OpenApiContract();
    private DatabaseFingerprint fingerprint;
    private PortalClient owner;
    private String writeToken;

    @BeforeAll
    void signIn() {
        fingerprint = new DatabaseFingerprint(jdbc);
        owner = PortalClient.signIn(port, OWNER, PASSWORD);
        var user = users.findByEmail(OWNER).orElseThrow();
        UUID msp = users.memberships(user.id()).getFirst().accountId();
        writeToken = tokens.create(user.id(), msp, "contract test", TokenScope.WRITE).secret();
    }

    @Test
    void theDocumentNamesExactlyTheApplicationsRoutes() {
        Set<String> app = ApiRoutes.of(context);
        Set<String> documented = contract.routes();
        Set<String> undocumented = new TreeSet<>(app);
        undocumented.removeAll(documented);
        Set<String> gone = new TreeSet<>(documented);
        gone.removeAll(app);
        assertThat(undocumented)
                .as("routes of the application missing from src/main/resources/openapi/rebill-v1.yaml; describe them"
                        + " there (parameters, body, responses, x-rebill-permission) and add a row to"
                        + " ApiSecurityMatrixTest")
                .isEmpty();
        assertThat(gone).as("operations in rebill-v1.yaml that the application does not have").isEmpty();
        assertThat(app).as("the routes were found at all").contains("GET /api/v1/me", "GET /api/v1/openapi.json");
    }

    @Test
    void theDocumentIsServedWithoutSigningIn() {
        Response doc = PortalClient.anonymous(port).get("/api/v1/openapi.json");
        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(doc.body()).isEqualTo(contract.document.json());
        assertThat(doc.body().path("openapi").asString()).startsWith("3.1.");
    }

    @Test
    void theDocsPageListsEveryOperation() throws java.io.IOException {
        HttpResponse<String> page = PortalClient.anonymous(port).page("/api/docs");
        // kept as a test artifact, to look at without starting a server
        java.nio.file.Files.writeString(java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "api-tests"))
                .resolve("api-docs.html"), page.body());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        for (OpenApiDocument.Operation op : contract.document.operations()) {
            assertThat(page.body()).as(op.key()).contains("id=\"" + op.operationId() + "\"").contains(op.path());
        }
        assertThat(page.body()).doesNotContain("<script").doesNotContain("https://");
    }

    @Test
    void aSessionRequestWithoutItsCsrfTokenIsAProblemThatSaysSo() {
        var before = fingerprint.take();
        PortalClient session = PortalClient.signIn(port, OWNER, PASSWORD).withoutCsrf();

        Response r = session.post("/api/v1/users", Map.of("email", "no-csrf@msp.example", "role", "viewer"));

        assertThat(r.status()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("FORBIDDEN");
        assertThat(r.detail()).contains("X-CSRF-TOKEN");
        assertThat(contract.check("POST", "/api/v1/users", 403, r.body())).isEmpty();
        assertThat(DatabaseFingerprint.changed(before, fingerprint.take())).isEmpty();
        assertThat(PortalClient.anonymous(port).post("/api/v1/users", Map.of()).code()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void anUnsupportedMethodOrMediaTypeIsAProblemToo() {
        Response method = owner.put("/api/v1/me", Map.of());
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.header("Content-Type")).hasValue("application/problem+json");
        assertThat(method.code()).isEqualTo("BAD_REQUEST");

        Response unknown = owner.get("/api/v1/no_such_thing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.header("Content-Type")).hasValue("application/problem+json");
    }

    // ---- oversized bodies -------------------------------------------------------------------------------------

    private static String userJsonOfSize(int bytes) {
        String head = "{\"email\": \"big@msp.example\", \"role\": \"viewer\", \"name\": \"";
        String tail = "\"}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    private HttpResponse<String> send(String path, byte[] body, boolean chunked) {
        HttpRequest.BodyPublisher publisher = chunked
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(publisher).header("Content-Type", "application/json").header("Accept", "application/json")
                .header("Authorization", "Bearer " + writeToken).build();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void assertTooLarge(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = PortalClient.JSON.readTree(response.body());
        assertThat(problem.path("detail").asString()).contains("1 MiB").contains("1048576");
        assertThat(problem.path("code").asString()).isEqualTo("BAD_REQUEST");
        assertThat(problem.path("limit_bytes").asInt()).isEqualTo(LIMIT);
        assertThat(contract.check("POST", "/api/v1/users", 413, problem)).isEmpty();
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413AndNothingIsStored() {
        var before = fingerprint.take();
        byte[] body = userJsonOfSize(LIMIT + 1).getBytes(StandardCharsets.UTF_8);

        assertTooLarge(send("/api/v1/users", body, false));

        assertThat(DatabaseFingerprint.changed(before, fingerprint.take())).isEmpty();
    }

    @Test
    void aStreamedBodyWithoutContentLengthIsCappedToo() {
        var before = fingerprint.take();
        byte[] body = userJsonOfSize(3 * LIMIT).getBytes(StandardCharsets.UTF_8);

        assertTooLarge(send("/api/v1/users", body, true));

        assertThat(DatabaseFingerprint.changed(before, fingerprint.take())).isEmpty();
    }

    @Test
    void bodiesUpToTheLimitAreRead() {
        // exactly 1 MiB passes the limit and reaches the API, which refuses the 1 MiB name for what it is
        HttpResponse<String> atLimit = send("/api/v1/users", userJsonOfSize(LIMIT).getBytes(StandardCharsets.UTF_8), false);
        assertThat(atLimit.statusCode()).as(atLimit.body()).isEqualTo(400);
        assertThat(atLimit.body()).contains("name must be at most 200 characters");

        // a small streamed (chunked) body is read in full and works
        HttpResponse<String> streamed = send("/api/v1/users", ("{\"email\": \"streamed@msp.example\", \"role\":"
                + " \"viewer\"}").getBytes(StandardCharsets.UTF_8), true);
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(201);
        assertThat(jdbc.sql("SELECT count(*) FROM app_user WHERE email = 'streamed@msp.example'").query(Long.class)
                .single()).isOne();
    }

    // ---- malformed input --------------------------------------------------------------------------------------

    /** One bad request: what is sent, the status and code expected, and a word the detail must contain. */
    record Bad(String method, String path, Object body, int status, String code, String detailNames) {
    }

    @Test
    void malformedJsonWrongTypesUnknownFieldsAndBadIdsAreRefusedAndChangeNothing() {
        String account = owner.post("/api/v1/managed_accounts", Map.of("name", "Malformed Corp",
                "contact_email", "admin+malformed@msp.example")).body().path("id").asString();
        String user = owner.post("/api/v1/users", Map.of("email", "malformed-user@msp.example", "role", "viewer"))
                .body().path("id").asString();
        String integration = owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Malformed payer"))
                .body().path("id").asString();
        String unknown = UUID.randomUUID().toString();

        List<Bad> requests = List.of(
                // malformed JSON
                new Bad("POST", "/api/v1/managed_accounts", "{\"name\": \"X\", ", 400, "BAD_REQUEST", "line 1"),
                new Bad("POST", "/api/v1/users", "{\"email\" \"a@msp.example\"}", 400, "BAD_REQUEST", "not valid JSON"),
                new Bad("PATCH", "/api/v1/users/" + user, "[1, 2", 400, "BAD_REQUEST", "not valid JSON"),
                new Bad("POST", "/api/v1/integrations", "not json at all", 400, "BAD_REQUEST", "not valid JSON"),
                new Bad("POST", "/api/v1/api_tokens", "{", 400, "BAD_REQUEST", "not valid JSON"),
                // a key given twice (issue 14 item 9): which one would win is not the caller's to guess
                new Bad("POST", "/api/v1/users", "{\"email\": \"twice@msp.example\", \"role\": \"viewer\","
                        + " \"role\": \"owner\"}", 400, "BAD_REQUEST", "Duplicate Object property \"role\""),
                // a missing body where one is required
                new Bad("POST", "/api/v1/managed_accounts", null, 400, "BAD_REQUEST", "missing"),
                // wrong types
                new Bad("POST", "/api/v1/managed_accounts", Map.of("name", List.of("X"), "contact_email",
                        "admin+x@msp.example"), 400, "BAD_REQUEST", "name"),
                new Bad("PATCH", "/api/v1/managed_accounts/" + account, Map.of("name", Map.of("first", "X")), 400,
                        "BAD_REQUEST", "name"),
                new Bad("POST", "/api/v1/users", Map.of("email", "typed@msp.example", "role", List.of("viewer")), 400,
                        "BAD_REQUEST", "role"),
                new Bad("PUT", "/api/v1/integrations/" + integration + "/linked_accounts/123456789012",
                        Map.of("customer_account_id", "not-a-uuid", "from", "2024-01"), 400, "BAD_REQUEST",
                        "customer_account_id"),
                // unknown fields
                new Bad("POST", "/api/v1/managed_accounts", Map.of("name", "X", "contact_email", "admin+y@msp.example",
                        "colour", "red"), 400, "BAD_REQUEST", "colour"),
                new Bad("POST", "/api/v1/users", Map.of("email", "u@msp.example", "role", "viewer", "is_admin", true),
                        400, "BAD_REQUEST", "is_admin"),
                new Bad("PATCH", "/api/v1/users/" + user, Map.of("role", "owner", "account_id", unknown), 400,
                        "BAD_REQUEST", "account_id"),
                new Bad("POST", "/api/v1/integrations", Map.of("provider", "aws", "name", "X", "account_id", unknown),
                        400, "BAD_REQUEST", "account_id"),
                new Bad("DELETE", "/api/v1/managed_accounts/" + account, Map.of("confirm", "Malformed Corp",
                        "force", true), 400, "BAD_REQUEST", "force"),
                // camelCase is not the API's spelling
                new Bad("POST", "/api/v1/managed_accounts", Map.of("name", "X", "contactEmail", "admin+z@msp.example"),
                        400, "BAD_REQUEST", "contactEmail"),
                // ids that are not UUIDs, and unknown ids
                new Bad("GET", "/api/v1/managed_accounts/not-a-uuid", null, 400, "BAD_ARGUMENT", "not-a-uuid"),
                new Bad("PATCH", "/api/v1/users/42", Map.of("name", "X"), 400, "BAD_ARGUMENT", "42"),
                new Bad("DELETE", "/api/v1/integrations/xyz", null, 400, "BAD_ARGUMENT", "xyz"),
                new Bad("DELETE", "/api/v1/api_tokens/1", null, 400, "BAD_ARGUMENT", "1"),
                new Bad("GET", "/api/v1/managed_accounts/" + unknown, null, 404, "UNKNOWN_ID", unknown),
                new Bad("PATCH", "/api/v1/users/" + unknown, Map.of("name", "X"), 404, "UNKNOWN_ID", unknown),
                new Bad("DELETE", "/api/v1/integrations/" + unknown, null, 404, "UNKNOWN_ID", unknown),
                new Bad("DELETE", "/api/v1/api_tokens/" + unknown, null, 404, "UNKNOWN_ID", unknown),
                new Bad("POST", "/api/v1/managed_accounts/" + unknown + "/unlink", null, 404, "UNKNOWN_ID", unknown),
                new Bad("GET", "/api/v1/sources/no-such-source", null, 404, "UNKNOWN_SOURCE", "no-such-source"),
                // bad query values
                new Bad("GET", "/api/v1/users?limit=201", null, 400, "BAD_ARGUMENT", "200"),
                new Bad("GET", "/api/v1/managed_accounts?offset=-1", null, 400, "BAD_ARGUMENT", "offset"),
                new Bad("GET", "/api/v1/audit_logs?limit=ten", null, 400, "BAD_ARGUMENT", "limit"));

        List<String> wrong = new ArrayList<>();
        for (Bad bad : requests) {
            var before = fingerprint.take();
            Response r = owner.call(bad.method(), bad.path(), bad.body());
            String what = bad.method() + " " + bad.path() + " " + bad.body() + " -> " + r.status() + " " + r.text();
            if (r.status() != bad.status() || !r.code().equals(bad.code()) || !r.detail().contains(bad.detailNames())) {
                wrong.add(what);
            }
            if (!r.header("Content-Type").orElse("").equals("application/problem+json")) {
                wrong.add(what + ": not application/problem+json");
            }
            var changed = DatabaseFingerprint.changed(before, fingerprint.take());
            if (!changed.isEmpty()) {
                wrong.add(what + ": changed " + changed);
            }
        }
        assertThat(wrong).isEmpty();
    }
}

package io.rebill.web;

import io.rebill.TestData;
import io.rebill.costs.CostDimension;
import io.rebill.costs.CostQuery;
import io.rebill.costs.CostRequest;
import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The served application end to end: real Tomcat on a random port, real embedded PostgreSQL (migrated by Flyway),
 * real DuckDB over the FOCUS sample, and a real HTTP client that signs in through the form with its CSRF token.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=" + RebillServerTest.PASSWORD, "rebill.database.url=",
                "rebill.bootstrap.source=payer-1"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS) // stop PostgreSQL before @TempDir is deleted
class RebillServerTest {
    static final String PASSWORD = "test-admin-password-1";
    private static final String SOURCE = "payer-1";
    private static final BillingPeriod PERIOD = BillingPeriod.parse("2024-09");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    @TempDir
    static Path home;

    private static HttpClient signedIn;

    @LocalServerPort
    int port;

    @Autowired
    CostQuery costQuery;

    @Autowired
    DataSource dataSource;

    @DynamicPropertySource
    static void dataFolder(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @BeforeAll
    static void ingestTheFocusSample() {
        Path sample = TestData.shared("focus-1.0-sample/focus_sample.csv"); // skips the class when absent
        new Ingestion(RebillSettings.at(home)).ingest(SOURCE, List.of(sample), ProgressListener.silent());
    }

    @Test
    void anonymousVisitorsAreSentToTheLoginPage() throws Exception {
        HttpResponse<String> response = anonymous().send(get("/"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void anonymousApiCallsGetA401Problem() throws Exception {
        HttpResponse<String> response = anonymous().send(get("/api/v1/sources"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("code").asString()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void healthIsOpen() throws Exception {
        HttpResponse<String> response = anonymous().send(get("/actuator/health"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("status").asString()).isEqualTo("UP");
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        HttpClient client = anonymous();
        HttpResponse<String> response = client.send(login(client, "not-the-password"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/login?error"));
    }

    @Test
    void theDashboardShowsTheSourceItsStatusAndPeriod() throws Exception {
        HttpResponse<String> response = signedIn().send(get("/"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("Rebill")
                .contains(SOURCE)
                .contains(">Stable<")
                .contains("/sources/payer-1/periods/2024-09")
                .contains(">2024-09<");
    }

    @Test
    void thePeriodPageGroupsCostsAndShowsATotal() throws Exception {
        HttpResponse<String> response = signedIn().send(get("/sources/payer-1/periods/2024-09?group_by=region_id&basis=list"),
                HttpResponse.BodyHandlers.ofString());
        String total = costQuery.run(new CostRequest(List.of(SOURCE), PERIOD, List.of(CostDimension.parse("region_id")),
                CostBasis.LIST)).total().toPlainString();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("region_id").contains("list cost").contains("Total")
                .contains("title=\"" + total + "\"");
    }

    @Test
    void anUnknownSourcePageIsA404NamingIt() throws Exception {
        HttpResponse<String> response = signedIn().send(get("/sources/no-such-source/periods/2024-09"),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(response.body()).contains("no-such-source").contains("UNKNOWN_SOURCE");
    }

    @Test
    void theSourcesApiListsExactSums() throws Exception {
        HttpResponse<String> response = signedIn().send(get("/api/v1/sources"), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode source = JSON.readTree(response.body()).get(0);
        assertThat(source.path("name").asString()).isEqualTo(SOURCE);
        assertThat(source.path("status").asString()).isEqualTo("STABLE");
        JsonNode period = source.path("periods").get(0);
        assertThat(period.path("period").asString()).isEqualTo("2024-09");
        assertThat(period.path("effective").isString()).isTrue();
        assertThat(period.path("line_count").asLong()).isPositive();
    }

    @Test
    void theCostsApiTotalIsWhatCostQueryComputesAndTheRowsSumToIt() throws Exception {
        HttpResponse<String> response = signedIn().send(
                get("/api/v1/sources/payer-1/periods/2024-09/costs?group_by=service_name&basis=effective"),
                HttpResponse.BodyHandlers.ofString());
        String expected = costQuery.run(new CostRequest(List.of(SOURCE), PERIOD,
                List.of(CostDimension.parse("service_name")), CostBasis.EFFECTIVE)).total().toPlainString();

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("total").isString()).isTrue();
        assertThat(body.path("total").asString()).isEqualTo(expected);
        BigDecimal rowSum = BigDecimal.ZERO;
        for (JsonNode row : body.path("rows")) {
            assertThat(row.path("cost").isString()).isTrue();
            assertThat(row.path("keys").has("service_name")).isTrue();
            rowSum = rowSum.add(new BigDecimal(row.path("cost").asString()));
        }
        assertThat(body.path("rows").size()).isPositive();
        assertThat(rowSum.toPlainString()).isEqualTo(expected);
    }

    @Test
    void anUnknownPeriodIsA404ProblemNamingThePeriod() throws Exception {
        HttpResponse<String> response = signedIn().send(get("/api/v1/sources/payer-1/periods/2099-01/costs"),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(404);
        assertThat(problem.path("code").asString()).isEqualTo("UNKNOWN_PERIOD");
        assertThat(problem.path("detail").asString()).contains("2099-01").contains(SOURCE);
    }

    @Test
    void badArgumentsAre400Problems() throws Exception {
        HttpResponse<String> response = signedIn().send(
                get("/api/v1/sources/payer-1/periods/2024-09/costs?group_by=password&basis=effective"),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("code").asString()).isEqualTo("BAD_ARGUMENT");
    }

    @Test
    void flywayCreatedThePortalTables() {
        List<String> tables = new JdbcTemplate(dataSource).queryForList(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", String.class);

        assertThat(tables).contains("account", "app_user", "membership", "api_token", "integration", "billing_rule", "audit_log", "flyway_schema_history");
    }

    private HttpClient signedIn() throws IOException, InterruptedException {
        if (signedIn == null) {
            HttpClient client = anonymous();
            HttpResponse<String> response = client.send(login(client, PASSWORD), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(302);
            assertThat(response.headers().firstValue("Location")).hasValueSatisfying(
                    l -> assertThat(l).doesNotContain("error"));
            signedIn = client;
        }
        return signedIn;
    }

    /** GETs the login form for its CSRF token (and session cookie), then builds the form POST. */
    private HttpRequest login(HttpClient client, String password) throws IOException, InterruptedException {
        HttpResponse<String> form = client.send(get("/login"), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(200);
        Matcher csrf = CSRF.matcher(form.body());
        assertThat(csrf.find()).as("the login form carries a CSRF token").isTrue();
        String body = "username=admin@msp.example&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        return HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpClient anonymous() {
        return HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).GET().build();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}

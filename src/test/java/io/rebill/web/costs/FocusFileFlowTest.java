package io.rebill.web.costs;

import io.rebill.identity.Users;
import io.rebill.rules.internal.FocusConformance;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.GoldenMonth;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A customer's re-billed lines as a FOCUS 1.2 file over HTTP (issue 12 items 3 and 7), end to end: real CUR lines
 * ingested through an MSP integration with an exclusion, an adjustment, an uplift and a fee; the automatic bill run
 * keeps its lines; each customer account downloads its own file (CSV or Parquet, conformant), which adds up to its
 * run's charge and never holds another customer's line, an excluded line, the MSP's cost or its rules; the MSP
 * reads it inside the customer account only; once issued, the invoice number is every row's InvoiceId; the
 * customer's home links the file per period; the run's folder is the period's only one.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FocusFileFlowTest {
    static final String PASSWORD = "owner-password-123";
    static final String CUSTOMER_PASSWORD = "customer-password-1";
    static final String PERIOD = "2026-10";
    static final String FOCUS = "/api/v1/costs/focus?period=" + PERIOD;

    static final Path home = io.rebill.TestHomes.create("rebill-focus-flow");

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    Users users;
    @Autowired
    JdbcClient jdbc;

    private Account msp;
    private PortalClient owner;
    private String acme;
    private String globex;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @BeforeAll
    void billAMonth() {
        GoldenMonth.Msp golden = GoldenMonth.msp(port, accounts, users, "focus", "Cloud Partner Focus",
                new String[][]{{"acme", "owner@acme.example"}, {"acme", "viewer@acme.example"},
                        {"globex", "owner@globex.example"}});
        msp = golden.account();
        owner = golden.owner();
        acme = golden.acme();
        globex = golden.globex();
        TinyCur.write(GoldenMonth.curFile(home, golden), GoldenMonth.lines());
        GoldenMonth.ingest(golden, GoldenMonth.connectAndSetRules(golden));
        GoldenMonth.awaitIdleSucceeded(jdbc, msp.id());
    }

    @Test
    @Order(1)
    void eachCustomerDownloadsItsOwnLinesAsFocus12AndNeverAnotherCustomersOrTheMspsCostOrRules() throws Exception {
        PortalClient acmeOwner = PortalClient.signIn(port, "owner@acme.example", CUSTOMER_PASSWORD);
        HttpResponse<byte[]> csv = acmeOwner.download(FOCUS + "&format=csv");
        assertThat(csv.statusCode()).as(new String(csv.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElse(""))
                .contains("attachment").contains("focus-acme-corp-2026-10.csv");
        String text = new String(csv.body(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("AvailabilityZone,BilledCost,BillingAccountId,BillingAccountName,")
                .doesNotContain("x_OriginalCost").doesNotContain("x_Lineage");
        // no raw line of another customer or of nobody, no excluded line, no MSP cost or margin, no rule of the MSP
        for (String word : List.of("Globex", "222222222222", "333333333333", "AmazonS3", "5.55", "155.555", "88.65",
                "Storage is on the house", "CloudFront at 75 %", "Uplift 3 %", "l-s3-acme")) {
            assertThat(text).as("Acme's file must not hold '" + word + "'").doesNotContain(word);
        }
        try (Connection duck = duck()) {
            String acmeCsv = csvOf(duck, csv.body(), "acme.csv");
            // Acme: EC2 (100.00 + 10.005) x 1.03 = 113.30515, CloudFront 40 x 75 % x 1.03 = 30.9, fee 100; S3 excluded
            assertThat(one(duck, "SELECT sum(CAST(BilledCost AS DECIMAL(38,12))) || ' ' || count(*) || ' '"
                    + " || string_agg(DISTINCT BillingAccountName, ',') || ' ' || count(DISTINCT SubAccountId) FROM " + acmeCsv))
                    .isEqualTo("244.205150000000 4 Acme Corp 1");
            assertThat(one(duck, "SELECT ChargeCategory || ' ' || ChargeFrequency || ' ' || BilledCost FROM " + acmeCsv
                    + " WHERE ServiceName = 'Managed services'")).isEqualTo("Purchase Recurring 100.000000000000000000000000");

            HttpResponse<byte[]> parquet = acmeOwner.download(FOCUS + "&format=parquet");
            assertThat(parquet.statusCode()).isEqualTo(200);
            assertThat(parquet.headers().firstValue("Content-Type").orElse("")).isEqualTo("application/vnd.apache.parquet");
            Path file = Files.write(home.resolve("acme.parquet"), parquet.body());
            assertThat(FocusConformance.check(duck, file)).isEmpty();
            assertThat(one(duck, "SELECT sum(BilledCost) || ' ' || count(*) FROM read_parquet('" + file + "')"))
                    .isEqualTo("244.205150000000000000000000 4");

            // Globex reads Globex's, never Acme's; aiming at Acme's account is refused
            PortalClient globexOwner = PortalClient.signIn(port, "owner@globex.example", CUSTOMER_PASSWORD);
            HttpResponse<byte[]> globexCsv = globexOwner.download(FOCUS);
            assertThat(globexCsv.statusCode()).isEqualTo(200);
            String g = new String(globexCsv.body(), StandardCharsets.UTF_8);
            assertThat(g).contains("Globex").doesNotContain("Acme").doesNotContain("111111111111")
                    .doesNotContain("113.30515");
            assertThat(one(duck, "SELECT count(*) || ' ' || string_agg(DISTINCT BillingAccountName, ',') FROM "
                    + csvOf(duck, globexCsv.body(), "globex.csv"))).isEqualTo("3 Globex");
            HttpResponse<byte[]> aimed = globexOwner.header("Rebill-Account", acme).download(FOCUS);
            assertThat(aimed.statusCode()).isBetween(400, 404);
            assertThat(new String(aimed.body(), StandardCharsets.UTF_8)).doesNotContain("Acme").doesNotContain("113.3");
        }
        // Acme's Viewer and the MSP's Owner inside Acme (Manager User) read the same file; the MSP itself enters first
        assertThat(PortalClient.signIn(port, "viewer@acme.example", CUSTOMER_PASSWORD).download(FOCUS).body())
                .isEqualTo(csv.body());
        PortalClient manager = PortalClient.signIn(port, "owner@focus.example", PASSWORD).header("Rebill-Account", acme);
        assertThat(manager.download(FOCUS).body()).isEqualTo(csv.body());
        Response atMsp = owner.get(FOCUS);
        assertThat(atMsp.status()).as(atMsp.text()).isEqualTo(400);
        assertThat(atMsp.detail()).contains("enter the customer account");
        Response noRun = acmeOwner.get("/api/v1/costs/focus?period=2026-09");
        assertThat(noRun.status()).as(noRun.text()).isEqualTo(404);
        assertThat(noRun.detail()).contains("no re-billed costs of 2026-09");
        assertThat(acmeOwner.get(FOCUS + "&format=xlsx").status()).isEqualTo(400);
        assertThat(acmeOwner.get("/api/v1/costs/focus").status()).isEqualTo(400);
    }

    @Test
    @Order(2)
    void onceTheInvoiceIsIssuedEveryRowOfTheCustomersFileCarriesItsNumber() throws Exception {
        PortalClient acmeOwner = PortalClient.signIn(port, "owner@acme.example", CUSTOMER_PASSWORD);
        try (Connection duck = duck()) {
            assertThat(one(duck, "SELECT count(InvoiceId) FROM " + csvOf(duck, acmeOwner.download(FOCUS).body(), "draft.csv")))
                    .isEqualTo("0");
            String draft = ok(owner.get("/api/v1/invoices?period=" + PERIOD + "&status=draft&customer=" + acme))
                    .path("items").get(0).path("id").asString();
            String number = ok(owner.post("/api/v1/invoices/" + draft + "/issue", null)).path("number").asString();
            assertThat(number).isNotBlank();
            assertThat(one(duck, "SELECT count(*) || ' ' || string_agg(DISTINCT InvoiceId, ',') FROM "
                    + csvOf(duck, acmeOwner.download(FOCUS).body(), "issued.csv"))).isEqualTo("4 " + number);
            PortalClient globexOwner = PortalClient.signIn(port, "owner@globex.example", CUSTOMER_PASSWORD);
            assertThat(one(duck, "SELECT count(InvoiceId) FROM " + csvOf(duck, globexOwner.download(FOCUS).body(),
                    "globex-draft.csv"))).isEqualTo("0");
        }
    }

    @Test
    @Order(3)
    void theCustomersHomeLinksItsFileOfEachBilledPeriodAndThePeriodKeepsOneRunsLines() throws Exception {
        String page = PortalClient.signIn(port, "owner@acme.example", CUSTOMER_PASSWORD).page("/").body();
        assertThat(page).contains("Billing data (FOCUS 1.2)").contains("October 2026")
                .contains("/api/v1/costs/focus?period=2026-10&amp;format=csv")
                .contains("/api/v1/costs/focus?period=2026-10&amp;format=parquet");
        UUID run = jdbc.sql("SELECT id FROM bill_run WHERE msp_id = :msp AND status = 'succeeded' ORDER BY finished_at"
                + " DESC LIMIT 1").param("msp", msp.id()).query(UUID.class).single();
        try (Stream<Path> runs = Files.list(home.resolve("runs").resolve(msp.id().toString()).resolve(PERIOD))) {
            assertThat(runs.map(p -> p.getFileName().toString())).containsExactly(run.toString());
        }
    }

    private static Connection duck() {
        return DuckDb.open(RebillSettings.at(home));
    }

    private static String csvOf(Connection duck, byte[] body, String name) throws Exception {
        Path file = Files.write(home.resolve(name), body);
        return "read_csv('" + file + "', header = true, all_varchar = true)";
    }

    private static String one(Connection duck, String sql) throws Exception {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

}

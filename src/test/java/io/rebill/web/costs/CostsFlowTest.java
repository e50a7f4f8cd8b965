package io.rebill.web.costs;

import io.rebill.identity.Users;
import io.rebill.rules.RunFiles;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.ApiSteps;
import io.rebill.web.GoldenMonth;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each customer account sees of its re-billed costs (issue 12), end to end: real CUR lines ingested through an
 * MSP integration with an exclusion, an adjustment, an uplift and a fee set in the portal; the automatic bill run
 * writes the daily aggregate with its drafts; every customer's daily rows add up to its draft's exact total and the
 * run's charge; the API answers charge to a customer and charge, cost and margin to the MSP; and every endpoint and
 * page that shows costs, walked as each customer's users and as the MSP's Manager User inside a customer, never
 * shows a raw line id, the MSP's cost or margin, an excluded service, or another customer's name or figure.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CostsFlowTest {
    static final String PASSWORD = "owner-password-123";
    static final String CUSTOMER_PASSWORD = "customer-password-1";
    static final String PERIOD = "2026-10";

    /** Made here, not by @TempDir: the per-class test instance starts the server before JUnit would inject it. */
    static final Path home = io.rebill.TestHomes.create("rebill-costs-flow");

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    Users users;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    io.rebill.invoicing.BillRuns billRuns;

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
        GoldenMonth.Msp golden = GoldenMonth.msp(port, accounts, users, "costs", "Cloud Partner Costs",
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
    void everyCustomersDailyRowsAddUpToItsDraftBeforeRoundingAndToTheRunsCharge() throws Exception {
        UUID run = latestRun();
        Path folder = RunFiles.folder(home, msp.id(), BillingPeriod.parse(PERIOD), run);
        for (String customer : List.of(acme, globex)) {
            UUID account = UUID.fromString(customer);
            // the rollup in PostgreSQL (written with the drafts) and the fine rows the run kept as Parquet
            BigDecimal rollup = jdbc.sql("SELECT sum(charge) FROM cost_daily_service WHERE msp_id = :msp AND period = :p"
                    + " AND customer_account_id = :c AND kind IN ('usage', 'charge', 'credit')")
                    .param("msp", msp.id()).param("p", PERIOD).param("c", account).query(BigDecimal.class).single();
            BigDecimal fine = fineCharge(folder.resolve(RunFiles.DAILY), accounts.find(account).orElseThrow().key());
            BigDecimal runCharge = jdbc.sql("SELECT charge FROM bill_run_customer WHERE run_id = :run AND"
                    + " customer_account_id = :c").param("run", run).param("c", account).query(BigDecimal.class).single();
            BigDecimal draftExact = jdbc.sql("SELECT sum(l.exact) FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id"
                    + " WHERE i.msp_id = :msp AND i.customer_account_id = :c AND i.period = :p AND i.status = 'draft'")
                    .param("msp", msp.id()).param("c", account).param("p", PERIOD).query(BigDecimal.class).single();
            assertThat(rollup).as(customer).isEqualByComparingTo(runCharge).isEqualByComparingTo(draftExact)
                    .isEqualByComparingTo(fine);
            assertThat(jdbc.sql("SELECT DISTINCT run_id FROM cost_daily_service WHERE msp_id = :msp AND period = :p")
                    .param("msp", msp.id()).param("p", PERIOD).query(UUID.class).list()).containsExactly(run);
        }
        // the fine aggregates live beside the run's kept lines, not in PostgreSQL
        assertThat(folder.resolve(RunFiles.DAILY)).isRegularFile();
        assertThat(folder.resolve(RunFiles.TAGS)).isRegularFile();
        // Acme: EC2 (100.00 + 10.005) x 1.03 = 113.30515, CloudFront 40 x 75 % x 1.03 = 30.9, fee 100; S3 excluded
        assertThat(customerTotal(acme)).isEqualTo("244.20515");
        assertThat(plain(fineCharge(folder.resolve(RunFiles.DAILY), accounts.find(UUID.fromString(acme)).orElseThrow()
                .key()).toPlainString())).isEqualTo("244.20515");
    }

    /**
     * A data folder of an earlier version: the period's latest run kept no fine aggregate files. A report that needs
     * them says the figures are being refreshed (409, never an empty table), the rollup still answers, and the start's
     * refresh bills the period again, after which the fine figures are back and add up as before.
     */
    @Test
    void aPeriodWhoseRunKeptNoFineFilesSaysItIsBeingRefreshedUntilTheRefreshRunHasWrittenThem() {
        UUID run = latestRun();
        Path folder = RunFiles.folder(home, msp.id(), BillingPeriod.parse(PERIOD), run);
        String byRegion = "/api/v1/costs?period=" + PERIOD + "&group_by=customer,region";
        String before = ok(owner.get(byRegion)).path("total").toString();
        io.rebill.shared.io.Trees.delete(folder.resolve(RunFiles.DAILY));
        io.rebill.shared.io.Trees.delete(folder.resolve(RunFiles.TAGS));

        Response refreshing = owner.get(byRegion);
        assertThat(refreshing.status()).as(refreshing.text()).isEqualTo(409);
        assertThat(refreshing.text()).contains("FIGURES_REFRESHING").contains(PERIOD).contains("being refreshed");
        assertThat(ok(owner.get("/api/v1/costs?period=" + PERIOD + "&group_by=customer")).path("total").toString())
                .isEqualTo(before);

        List<io.rebill.invoicing.BillRun> asked = billRuns.refreshStoredFigures();
        assertThat(asked).hasSize(1);
        assertThat(billRuns.await(msp.id(), asked.get(0).id(), java.time.Duration.ofSeconds(90)).status().name())
                .isEqualTo("SUCCEEDED");
        assertThat(ok(owner.get(byRegion)).path("total").toString()).isEqualTo(before);
        assertThat(billRuns.refreshStoredFigures()).isEmpty();
    }

    /** A budget narrowed by a fine dimension (charge type) reads the run's fine file; a customer's only its own rows. */
    @Test
    void aBudgetNarrowedByChargeTypeReadsTheRunsFineFiguresAndACustomerOnlyItsOwn() {
        PortalClient globexOwner = PortalClient.signIn(port, "owner@globex.example", CUSTOMER_PASSWORD);
        String usage = ApiSteps.created(globexOwner.post("/api/v1/budgets", ApiSteps.map("name", "Usage only",
                "amount", "100", "filters", Map.of("charge_type", List.of("Usage"))))).body().path("id").asString();
        // Globex: EC2 50.00 x 1.03; its Tax line and the fee are not Usage, Acme's lines are not Globex's
        assertThat(plain(ok(globexOwner.get("/api/v1/budgets/" + usage)).path("month_to_date").asString()))
                .isEqualTo("51.5");
        String tax = ApiSteps.created(owner.post("/api/v1/budgets", ApiSteps.map("name", "Tax cost", "amount", "100",
                "measure", "cost", "filters", Map.of("charge_type", List.of("Tax"))))).body().path("id").asString();
        assertThat(plain(ok(owner.get("/api/v1/budgets/" + tax)).path("month_to_date").asString())).isEqualTo("5");
        String acmeUsage = ApiSteps.created(owner.post("/api/v1/budgets", ApiSteps.map("name", "Acme usage",
                "amount", "1000", "filters", Map.of("customer", List.of(acme), "charge_type", List.of("Usage")))))
                .body().path("id").asString();
        // Acme: EC2 (100.00 + 10.005) x 1.03 + CloudFront 40 x 75 % x 1.03; S3 excluded, the fee is no Usage
        assertThat(plain(ok(owner.get("/api/v1/budgets/" + acmeUsage)).path("month_to_date").asString()))
                .isEqualTo("144.20515");
    }

    private UUID latestRun() {
        return jdbc.sql("SELECT id FROM bill_run WHERE msp_id = :msp AND status = 'succeeded' ORDER BY finished_at"
                + " DESC LIMIT 1").param("msp", msp.id()).query(UUID.class).single();
    }

    /** A customer's visible charge in a run's daily.parquet, read with plain DuckDB. */
    private static BigDecimal fineCharge(Path daily, String customerKey) {
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
             java.sql.PreparedStatement ps = duck.prepareStatement("SELECT CAST(sum(charge) AS VARCHAR) FROM"
                     + " read_parquet(?) WHERE customer_key = ? AND kind IN ('usage', 'charge', 'credit')")) {
            ps.setString(1, daily.toString());
            ps.setString(2, customerKey);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new BigDecimal(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theMspReadsChargeCostAndMarginPerCustomerAndTheUnassignedCost() {
        JsonNode body = ok(owner.get("/api/v1/costs?period=" + PERIOD + "&group_by=customer"));
        Map<String, String> charge = new LinkedHashMap<>();
        Map<String, String> cost = new LinkedHashMap<>();
        Map<String, String> margin = new LinkedHashMap<>();
        for (JsonNode row : body.path("rows")) {
            String name = row.path("customer").isNull() ? "unassigned" : row.path("customer").asString();
            charge.put(name, plain(row.path("charge").asString()));
            cost.put(name, plain(row.path("cost").asString()));
            margin.put(name, plain(row.path("margin").asString()));
        }
        // Acme's cost on the effective basis: 100.00 + 10.005 + 40 + 5.55 (the excluded line costs the MSP too)
        assertThat(charge).containsEntry("Acme Corp", "244.20515").containsEntry("unassigned", "0");
        assertThat(cost).containsEntry("Acme Corp", "155.555").containsEntry("unassigned", "7");
        assertThat(margin).containsEntry("Acme Corp", "88.65015");
        assertThat(body.path("currency").asString()).isEqualTo("USD");
        assertThat(body.path("periods").toString()).contains(PERIOD);
    }

    /**
     * The MSP's figures by customer, day and kind read the rollup by customer (cost_daily_customer, written from the
     * service rollup in the run's transaction): every row equals the service rollup's sum over services exactly, and
     * so does the by-customer total, with the same rows (none lost, none added).
     */
    @Test
    void theMspsByCustomerFiguresEqualTheServiceRollupsSumsExactly() {
        Map<String, String> expected = new java.util.TreeMap<>();
        jdbc.sql("SELECT coalesce(a.name, 'unassigned') AS name, CAST(d.day AS text) AS day, d.kind,"
                        + " sum(d.charge) AS charge, sum(d.cost) AS cost FROM cost_daily_service d"
                        + " LEFT JOIN account a ON a.id = d.customer_account_id AND a.msp_id = d.msp_id"
                        + " WHERE d.msp_id = :msp AND d.period = :p GROUP BY 1, 2, 3")
                .param("msp", msp.id()).param("p", PERIOD).query(rs -> {
                    expected.put(rs.getString("name") + " " + rs.getString("day") + " " + rs.getString("kind"),
                            plain(rs.getBigDecimal("charge").toPlainString()) + " / "
                                    + plain(rs.getBigDecimal("cost").toPlainString()));
                });
        Map<String, String> actual = new java.util.TreeMap<>();
        for (JsonNode row : ok(owner.get("/api/v1/costs?period=" + PERIOD + "&group_by=customer,day,kind")).path("rows")) {
            String name = row.path("customer").isNull() ? "unassigned" : row.path("customer").asString();
            actual.put(name + " " + row.path("day").asString() + " " + row.path("kind").asString(),
                    plain(row.path("charge").asString()) + " / " + plain(row.path("cost").asString()));
        }
        assertThat(expected).isNotEmpty().containsEntry("Acme Corp 2026-10-01 charge", "100 / 0");
        assertThat(actual).isEqualTo(expected);
        assertThat(jdbc.sql("SELECT count(*) FROM cost_daily_customer WHERE msp_id = :msp AND period = :p")
                .param("msp", msp.id()).param("p", PERIOD).query(Long.class).single()).isEqualTo(expected.size());
        assertThat(plain(ok(owner.get("/api/v1/costs?period=" + PERIOD + "&group_by=customer")).path("total")
                .path("charge").asString())).isEqualTo(plain(jdbc.sql("SELECT sum(charge) FROM cost_daily_service"
                + " WHERE msp_id = :msp AND period = :p").param("msp", msp.id()).param("p", PERIOD)
                .query(BigDecimal.class).single().toPlainString()));
    }

    @Test
    void aCustomerReadsItsChargePerDayAndServiceAsIfNativeWithTheFeeOnTheFirstDay() {
        PortalClient acmeOwner = PortalClient.signIn(port, "owner@acme.example", CUSTOMER_PASSWORD);
        JsonNode body = ok(acmeOwner.get("/api/v1/costs?period=" + PERIOD + "&group_by=day,service"));
        List<String> rows = new ArrayList<>();
        for (JsonNode row : body.path("rows")) {
            rows.add(row.path("day").asString() + " " + row.path("service").asString() + " "
                    + plain(row.path("charge").asString()));
            assertThat(row.has("cost")).isFalse();
            assertThat(row.has("margin")).isFalse();
        }
        assertThat(rows).containsExactly(
                "2026-10-01 Managed services 100",
                "2026-10-03 AmazonEC2 103",
                "2026-10-04 AmazonCloudFront 30.9",
                "2026-10-04 AmazonEC2 10.30515");
        assertThat(plain(body.path("total").path("charge").asString())).isEqualTo("244.20515");
        assertThat(body.path("total").has("cost")).isFalse();
        Response mspOnly = acmeOwner.get("/api/v1/costs?period=" + PERIOD + "&group_by=customer");
        assertThat(mspOnly.status()).as(mspOnly.text()).isEqualTo(400);
        assertThat(mspOnly.detail()).contains("group_by 'customer' is for the MSP only");
        Response unknown = acmeOwner.get("/api/v1/costs?group_by=colour");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.detail()).contains("group_by 'colour'").contains("day, service");
    }

    /** The isolation test: every endpoint and page that shows costs, as every caller inside a customer account. */
    @Test
    void aCustomerNeverSeesARawLineTheMspsCostOrMarginOrAnotherCustomer() {
        List<String> groupings = List.of("", "day", "service", "service_category", "charge_type", "region",
                "sub_account", "kind", "day,service,service_category,charge_type,region,sub_account,kind");
        // what no answer inside Acme may contain: raw line ids, the MSP's cost and margin figures of Acme (exact and
        // as shown), the excluded service, accounts nobody claims, Globex and its figures, the MSP's rules
        List<String> neverInAcme = List.of("l-ec2-acme", "l-s3-acme", "part-0", "155.555", "155.56", "88.65015",
                "88.65", "margin", "Margin", "\"cost\"", "AmazonS3", "5.55", "333333333333", "Globex", "globex",
                "222222222222", "56.65", "Storage is on the house", "CloudFront at 75 %", "40.00", "Uplift 3 %");
        List<String> neverInGlobex = List.of("Acme", "acme", "111111111111", "244.2", "113.3", "30.9", "l-ec2",
                "part-0", "margin", "Margin", "\"cost\"", "333333333333", "Storage is on the house");
        Map<String, PortalClient> acmeSide = new LinkedHashMap<>();
        acmeSide.put("Acme's Owner", PortalClient.signIn(port, "owner@acme.example", CUSTOMER_PASSWORD));
        acmeSide.put("Acme's Viewer", PortalClient.signIn(port, "viewer@acme.example", CUSTOMER_PASSWORD));
        PortalClient manager = PortalClient.signIn(port, "owner@costs.example", PASSWORD);
        ok(manager.post("/api/v1/managed_accounts/" + acme + "/enter", null));
        acmeSide.put("the MSP's Owner as Manager User in Acme", manager);
        PortalClient globexOwner = PortalClient.signIn(port, "owner@globex.example", CUSTOMER_PASSWORD);
        int answers = 0;
        for (Map.Entry<String, PortalClient> caller : acmeSide.entrySet()) {
            answers += walk(caller.getKey(), caller.getValue(), groupings, neverInAcme, "Acme");
        }
        answers += walk("Globex's Owner", globexOwner, groupings, neverInGlobex, "Globex");
        assertThat(answers).isEqualTo(4 * (2 * groupings.size() + 2));
        // Acme's figures are really there (the walk read them, not an empty answer)
        assertThat(plain(ok(acmeSide.get("Acme's Viewer").get("/api/v1/costs?group_by=")).path("total")
                .path("charge").asString())).isEqualTo("244.20515");
        String globexHome = globexOwner.page("/").body();
        assertThat(globexHome).contains("USD ").doesNotContain("USD 244.21");
    }

    /** Calls every costs endpoint and page as one caller; returns how many answers it checked. */
    private int walk(String who, PortalClient client, List<String> groupings, List<String> never, String mustSee) {
        List<String> answers = new ArrayList<>();
        for (String g : groupings) {
            for (String query : List.of("?group_by=" + g, "?period=" + PERIOD + "&group_by=" + g)) {
                Response r = client.get("/api/v1/costs" + query);
                assertThat(r.status()).as(who + " " + query + ": " + r.text()).isEqualTo(200);
                answers.add(query + " -> " + r.text());
            }
        }
        for (String page : List.of("/", "/sources")) {
            var r = client.page(page);
            assertThat(r.statusCode()).as(who + " " + page).isEqualTo(200);
            answers.add(page + " -> " + r.body());
        }
        for (String answer : answers) {
            for (String word : never) {
                assertThat(answer).as(who + " must not see '" + word + "' in " + answer).doesNotContain(word);
            }
        }
        assertThat(answers.stream().filter(a -> a.startsWith("/ ->")).findFirst().orElseThrow()).contains("USD ");
        return answers.size();
    }

    private String customerTotal(String customer) {
        return plain(jdbc.sql("SELECT sum(charge) FROM cost_daily_service WHERE msp_id = :msp AND customer_account_id = :c AND"
                + " kind IN ('usage', 'charge', 'credit')").param("msp", msp.id()).param("c", UUID.fromString(customer))
                .query(BigDecimal.class).single().toPlainString());
    }

    private static String plain(String decimal) {
        return new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }

}

package io.rebill.web.costs;

import io.rebill.identity.Users;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saved cost reports and virtual tags (issue 12 items 2, 4 and 6), end to end: real CUR lines with a team tag go
 * through an MSP integration, the portal's rules (an exclusion, an adjustment, an uplift and a fee), the automatic
 * bill run with its daily and tag aggregates; reports made over the API by a customer's Owner, by the MSP inside
 * the customer (Manager User) and by the MSP itself read them. Exact decimals throughout.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CostReportsFlowTest {
    static final String PASSWORD = "owner-password-123";
    static final String CUSTOMER_PASSWORD = "customer-password-1";
    static final String PERIOD = "2026-10";
    static final Path home = io.rebill.TestHomes.create("rebill-reports-flow");

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
    private PortalClient acmeOwner;
    private PortalClient globexOwner;
    private String acme;
    private String globex;
    private String workload;
    private String acmeEnv;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    /** A line of {@link TinyCur} on another day of October 2026, with its team tag (empty: none). */
    private static List<String> on(int day, String id, String account, String type, String product, String cost,
                                   String team) {
        List<String> line = new ArrayList<>(GoldenMonth.on(day, id, account, type, product, cost));
        line.add(team);
        return line;
    }

    /** TinyCur's CSV with one more column, the team tag. */
    private static void writeWithTags(Path file, List<List<String>> lines) {
        TinyCur.write(file, lines.stream().map(l -> l.subList(0, l.size() - 1)).toList());
        try {
            List<String> text = Files.readAllLines(file);
            List<String> out = new ArrayList<>();
            out.add(text.getFirst() + ",resourceTags/user:team");
            for (int i = 1; i < text.size(); i++) {
                out.add(text.get(i) + "," + lines.get(i - 1).getLast());
            }
            Files.write(file, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    void billAMonth() {
        GoldenMonth.Msp golden = GoldenMonth.msp(port, accounts, users, "reports", "Cloud Partner Reports",
                new String[][]{{"acme", "owner@acme.example"}, {"globex", "owner@globex.example"}});
        msp = golden.account();
        owner = golden.owner();
        acme = golden.acme();
        globex = golden.globex();
        acmeOwner = PortalClient.signIn(port, "owner@acme.example", CUSTOMER_PASSWORD);
        globexOwner = PortalClient.signIn(port, "owner@globex.example", CUSTOMER_PASSWORD);
        // virtual tags before the data: the first bill run computes them
        workload = created(owner.post("/api/v1/virtual_tags", map("key", "Workload", "rules", List.of(
                Map.of("condition", "line.service_name == 'AmazonEC2'", "value", "Compute"),
                Map.of("condition", "line.service_name.startsWith('Amazon')", "value", "Other AWS"),
                Map.of("condition", "line.service_name == 'AmazonCloudFront'", "value", "Never: an earlier case wins")))))
                .body().path("id").asString();
        acmeEnv = created(acmeOwner.post("/api/v1/virtual_tags", map("key", "Web team", "rules", List.of(
                Map.of("condition", "line.tags['team'] == 'web'", "value", "Web"))))).body().path("id").asString();
        writeWithTags(GoldenMonth.curFile(home, golden), List.of(
                on(3, "l-ec2-acme-3", "111111111111", "Usage", "AmazonEC2", "100.00", "web"),
                on(4, "l-ec2-acme-4", "111111111111", "Usage", "AmazonEC2", "10.005", "data"),
                on(4, "l-cf-acme", "111111111111", "Usage", "AmazonCloudFront", "40", "web"),
                on(5, "l-s3-acme", "111111111111", "Usage", "AmazonS3", "5.55", "web"),
                on(6, "l-ec2-globex", "222222222222", "Usage", "AmazonEC2", "50.00", "web"),
                on(6, "l-tax-globex", "222222222222", "Tax", "AmazonEC2", "5.00", ""),
                on(7, "l-ec2-nobody", "333333333333", "Usage", "AmazonEC2", "7.00", "")));
        GoldenMonth.ingest(golden, GoldenMonth.connectAndSetRules(golden));
        GoldenMonth.awaitIdleSucceeded(jdbc, msp.id());
    }

    private static Map<String, Object> october(String title, Object... more) {
        Map<String, Object> body = map("title", title, "range", "custom", "from", "2026-10-01", "to", "2026-10-31");
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    /** The report's rows as "key [key] total" lines, totals without trailing zeros. */
    private static List<String> rows(JsonNode data) {
        List<String> rows = new ArrayList<>();
        for (JsonNode row : data.path("rows")) {
            StringBuilder s = new StringBuilder();
            for (JsonNode g : data.path("group_by")) {
                s.append(row.path(g.asString()).isNull() ? "(none)" : row.path(g.asString()).asString()).append(' ');
            }
            rows.add(s + plain(row.path("total").asString()));
        }
        return rows;
    }

    @Test
    void aCustomerOwnersReportForTheMonthEqualsItsInvoiceToTheCent() {
        String id = created(acmeOwner.post("/api/v1/cost_reports", october("October by service", "granularity",
                "month", "group_by", List.of("service")))).body().path("id").asString();
        JsonNode data = ok(acmeOwner.get("/api/v1/cost_reports/" + id + "/data"));
        // before rounding: the report's total is the draft's exact total
        BigDecimal exact = jdbc.sql("SELECT sum(l.exact) FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id"
                        + " WHERE i.msp_id = :msp AND i.customer_account_id = :c AND i.period = :p AND i.status = 'draft'")
                .param("msp", msp.id()).param("c", UUID.fromString(acme)).param("p", PERIOD).query(BigDecimal.class)
                .single();
        assertThat(plain(data.path("total").asString())).isEqualTo("244.20515").isEqualTo(plain(exact.toPlainString()));
        assertThat(rows(data)).containsExactly("AmazonEC2 113.30515", "Managed services 100", "AmazonCloudFront 30.9");
        assertThat(data.path("buckets").toString()).isEqualTo("[\"2026-10-01\"]");
        assertThat(data.path("currency").asString()).isEqualTo("USD");
        // after rounding: each service's figure rounded once, as the invoice rounds each of its lines (spec §4)
        Map<String, String> invoice = new LinkedHashMap<>();
        jdbc.sql("SELECT l.description, l.amount FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id"
                        + " WHERE i.msp_id = :msp AND i.customer_account_id = :c AND i.period = :p AND i.status = 'draft'")
                .param("msp", msp.id()).param("c", UUID.fromString(acme)).param("p", PERIOD)
                .query(rs -> { invoice.put(rs.getString(1), rs.getBigDecimal(2).toPlainString()); });
        BigDecimal rounded = BigDecimal.ZERO;
        Map<String, String> report = new LinkedHashMap<>();
        for (JsonNode row : data.path("rows")) {
            BigDecimal cents = new BigDecimal(row.path("total").asString()).setScale(2, RoundingMode.HALF_UP);
            report.put(row.path("service").asString(), cents.toPlainString());
            rounded = rounded.add(cents);
        }
        assertThat(report).containsEntry("AmazonEC2", "113.31").containsEntry("AmazonCloudFront", "30.90")
                .containsEntry("Managed services", "100.00");
        BigDecimal invoiceTotal = invoice.values().stream().map(BigDecimal::new).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(rounded.toPlainString()).isEqualTo("244.21").isEqualTo(invoiceTotal.toPlainString());
        // by day, the same total spread over the days (the fee on the period's first day)
        String daily = created(acmeOwner.post("/api/v1/cost_reports", october("October by day", "granularity", "day",
                "group_by", List.of()))).body().path("id").asString();
        JsonNode byDay = ok(acmeOwner.get("/api/v1/cost_reports/" + daily + "/data"));
        assertThat(byDay.path("buckets").size()).isEqualTo(31);
        List<String> amounts = new ArrayList<>();
        byDay.path("rows").get(0).path("amounts").forEach(a -> amounts.add(plain(a.asString())));
        assertThat(amounts.subList(0, 5)).containsExactly("100", "0", "103", "41.20515", "0");
        assertThat(plain(byDay.path("total").asString())).isEqualTo("244.20515");
    }

    @Test
    void everyAccountHasADefaultReportAndCreatedByShowsManagerUserForTheMspsStaff() {
        JsonNode acmeReports = ok(acmeOwner.get("/api/v1/cost_reports"));
        assertThat(acmeReports.get(0).path("default").asBoolean()).isTrue();
        assertThat(acmeReports.get(0).path("title").asString()).isEqualTo("Costs by service");
        assertThat(ok(globexOwner.get("/api/v1/cost_reports")).get(0).path("default").asBoolean()).isTrue();
        assertThat(ok(owner.get("/api/v1/cost_reports")).get(0).path("title").asString()).isEqualTo("Costs by customer");

        PortalClient manager = PortalClient.signIn(port, "owner@reports.example", PASSWORD).header("Rebill-Account", acme);
        JsonNode made = created(manager.post("/api/v1/cost_reports", october("Made by the MSP", "group_by",
                List.of("region")))).body();
        assertThat(made.path("created_by").asString()).isEqualTo("Manager User");
        JsonNode seen = ok(acmeOwner.get("/api/v1/cost_reports/" + made.path("id").asString()));
        assertThat(seen.path("created_by").asString()).isEqualTo("Manager User");
        assertThat(ok(acmeOwner.get("/api/v1/cost_reports")).toString()).contains("Manager User")
                .doesNotContain("Ana Lee").doesNotContain("owner@reports.example");
        JsonNode own = created(owner.post("/api/v1/cost_reports", october("The MSP's own", "group_by",
                List.of("customer"), "measure", "margin"))).body();
        assertThat(own.path("created_by").asString()).isEqualTo("Ana Lee");
    }

    @Test
    void aCustomerCannotAskForCostOrMarginOrByCustomerNorReadAnotherAccountsReport() {
        for (Object[] bad : new Object[][]{{"measure", "cost", "measure 'cost' is for the MSP only"},
                {"measure", "margin", "measure 'margin' is for the MSP only"},
                {"group_by", List.of("customer"), "dimension 'customer' is for the MSP only"},
                {"filters", List.of(Map.of("dimension", "customer", "values", List.of("Globex"))),
                        "dimension 'customer' is for the MSP only"}}) {
            Response r = acmeOwner.post("/api/v1/cost_reports", october("Not allowed", bad[0], bad[1]));
            assertThat(r.status()).as(r.text()).isEqualTo(400);
            assertThat(r.detail()).contains((String) bad[2]);
        }
        String id = created(acmeOwner.post("/api/v1/cost_reports", october("Acme's", "group_by", List.of("service"))))
                .body().path("id").asString();
        String msps = created(owner.post("/api/v1/cost_reports", october("MSP margin", "measure", "margin")))
                .body().path("id").asString();
        for (String[] call : new String[][]{{"GET", ""}, {"GET", "/data"}, {"GET", "/csv"}, {"PUT", ""},
                {"DELETE", ""}}) {
            for (String report : List.of(id, msps)) {
                Response r = globexOwner.call(call[0], "/api/v1/cost_reports/" + report + call[1],
                        call[0].equals("PUT") ? october("Taken over") : null);
                assertThat(r.status()).as(call[0] + " " + call[1] + ": " + r.text()).isEqualTo(404);
                assertThat(r.detail()).contains("no cost report " + report);
            }
        }
        Response mspReportInAcme = acmeOwner.get("/api/v1/cost_reports/" + msps + "/data");
        assertThat(mspReportInAcme.status()).isEqualTo(404);
        assertThat(ok(acmeOwner.get("/api/v1/cost_reports/" + id)).path("title").asString()).isEqualTo("Acme's");
        // a customer's stored report cannot be turned into cost either
        Response toCost = acmeOwner.put("/api/v1/cost_reports/" + id, october("Acme's", "measure", "cost"));
        assertThat(toCost.status()).isEqualTo(400);
    }

    /** Golden data with each rule kind: the exclusion, the adjustment, the uplift and the fee. */
    @Test
    void aCustomerNeverSeesAnExcludedLineOrAnAdjustmentWhileTheMspSeesItsCostAndMargin() {
        List<String> never = List.of("AmazonS3", "5.55", "l-s3-acme", "\"40", "155.555", "88.65015", "Globex",
                "\"cost\"", "margin", "222222222222", "333333333333");
        for (Object[] g : new Object[][]{{"day", List.of("service")}, {"week", List.of("service", "charge_type")},
                {"month", List.of("sub_account", "region")}, {"day", List.of("service_category")},
                {"month", List.of("tag:team")}, {"month", List.of("virtual_tag:" + acmeEnv, "service")}}) {
            String id = created(acmeOwner.post("/api/v1/cost_reports", october("Walk " + g[1], "granularity", g[0],
                    "group_by", g[1]))).body().path("id").asString();
            String json = ok(acmeOwner.get("/api/v1/cost_reports/" + id + "/data")).toString();
            String csv = acmeOwner.get("/api/v1/cost_reports/" + id + "/csv").text();
            var page = acmeOwner.page("/reports/" + id);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("USD 244.21");
            for (String word : never) {
                assertThat(json).as(g[1] + " " + word).doesNotContain(word);
                assertThat(csv).as(g[1] + " " + word).doesNotContain(word);
                assertThat(page.body()).as("page " + g[1] + " " + word).doesNotContain(word);
            }
            assertThat(plain(ok(acmeOwner.get("/api/v1/cost_reports/" + id + "/data")).path("total").asString()))
                    .isEqualTo("244.20515");
        }
        for (String path : List.of("/reports", "/reports/virtual-tags")) {
            var page = acmeOwner.page(path);
            assertThat(page.statusCode()).isEqualTo(200);
            for (String word : never) {
                assertThat(page.body()).as(path + " " + word).doesNotContain(word);
            }
        }
        String id = created(acmeOwner.post("/api/v1/cost_reports", october("By service", "group_by",
                List.of("service")))).body().path("id").asString();
        String csv = acmeOwner.get("/api/v1/cost_reports/" + id + "/csv").text();
        assertThat(csv.lines().toList()).containsExactly("period_start,Service,currency,charge",
                "2026-10-01,AmazonEC2,USD,113.30515",
                "2026-10-01,Managed services,USD,100.00",
                "2026-10-01,AmazonCloudFront,USD,30.90");
        // the MSP, by customer: Acme's cost includes the excluded line (the MSP paid it); the unassigned cost is its own
        String mine = created(owner.post("/api/v1/cost_reports", october("Margin by customer", "group_by",
                List.of("customer"), "measure", "margin"))).body().path("id").asString();
        assertThat(rows(ok(owner.get("/api/v1/cost_reports/" + mine + "/data"))))
                .containsExactly("Globex 101.5", "Acme Corp 88.65015", "(none) -7");
        String cost = ok(owner.put("/api/v1/cost_reports/" + mine, october("Cost by customer", "group_by",
                List.of("customer"), "measure", "cost"))).path("id").asString();
        assertThat(rows(ok(owner.get("/api/v1/cost_reports/" + cost + "/data"))))
                .containsExactly("Acme Corp 155.555", "Globex 55", "(none) 7");
    }

    @Test
    void aVirtualTagsValuesAndATagsValuesSumToTheSameTotal() {
        String byWorkload = created(owner.post("/api/v1/cost_reports", october("By workload", "group_by",
                List.of("virtual_tag:" + workload)))).body().path("id").asString();
        JsonNode data = ok(owner.get("/api/v1/cost_reports/" + byWorkload + "/data"));
        // the first case a line meets: EC2 (Acme 113.30515, Globex 51.5 + its tax 5, not uplifted) is Compute,
        // CloudFront Other AWS (30.9); the fees (2 x 100) have no value; the excluded S3 line and the unassigned EC2
        // line are charged 0
        assertThat(rows(data)).containsExactly("(none) 200", "Compute 169.80515", "Other AWS 30.9");
        assertThat(data.path("group_labels").toString()).isEqualTo("[\"Workload\"]");
        String plainReport = created(owner.post("/api/v1/cost_reports", october("All"))).body().path("id").asString();
        assertThat(plain(data.path("total").asString())).isEqualTo("400.70515")
                .isEqualTo(plain(ok(owner.get("/api/v1/cost_reports/" + plainReport + "/data")).path("total").asString()));
        // the MSP's cost by workload: every line, excluded and unassigned too
        JsonNode cost = ok(owner.get("/api/v1/cost_reports/" + created(owner.post("/api/v1/cost_reports",
                october("Cost by workload", "measure", "cost", "group_by", List.of("virtual_tag:" + workload))))
                .body().path("id").asString() + "/data"));
        // the fees cost the MSP nothing: no value, 0
        assertThat(rows(cost)).containsExactly("Compute 172.005", "Other AWS 45.55", "(none) 0");

        // Acme's own virtual tag and the provider tag, inside Acme: its charge only, adding up to its invoice
        String byEnv = created(acmeOwner.post("/api/v1/cost_reports", october("By web team", "group_by",
                List.of("virtual_tag:" + acmeEnv)))).body().path("id").asString();
        assertThat(rows(ok(acmeOwner.get("/api/v1/cost_reports/" + byEnv + "/data"))))
                .containsExactly("Web 133.9", "(none) 110.30515");
        String byTeam = created(acmeOwner.post("/api/v1/cost_reports", october("By team", "group_by",
                List.of("tag:team"), "filters", List.of(Map.of("dimension", "service", "operator", "exclude",
                        "values", List.of("Managed services"))))))
                .body().path("id").asString();
        assertThat(rows(ok(acmeOwner.get("/api/v1/cost_reports/" + byTeam + "/data"))))
                .containsExactly("web 133.9", "data 10.30515");
        // another account's virtual tag is not a dimension of Acme's reports
        Response foreign = acmeOwner.post("/api/v1/cost_reports", october("Theirs", "group_by",
                List.of("virtual_tag:" + workload)));
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.detail()).contains("no virtual tag " + workload);
    }

    @Test
    void aBadConditionIsRefusedWithItsPositionAndAChangeBillsAgain() {
        Response bad = owner.post("/api/v1/virtual_tags", map("key", "Broken", "rules", List.of(
                Map.of("condition", "line.service_name == 'AmazonEC2'", "value", "ok"),
                Map.of("condition", "line.servce_name == 'AmazonS3'", "value", "Storage"))));
        assertThat(bad.status()).as(bad.text()).isEqualTo(400);
        assertThat(bad.detail()).startsWith("rules[2].condition: ").contains("service_name");
        assertThat(ok(owner.get("/api/v1/virtual_tags")).toString()).doesNotContain("Broken");

        int runs = jdbc.sql("SELECT count(*) FROM bill_run WHERE msp_id = :msp").param("msp", msp.id())
                .query(Integer.class).single();
        String storage = created(owner.post("/api/v1/virtual_tags", map("key", "Storage", "rules", List.of(
                Map.of("condition", "line.service_name == 'AmazonS3'", "value", "Storage"))))).body().path("id")
                .asString();
        GoldenMonth.awaitIdleSucceeded(jdbc, msp.id());
        assertThat(jdbc.sql("SELECT count(*) FROM bill_run WHERE msp_id = :msp").param("msp", msp.id())
                .query(Integer.class).single()).isGreaterThan(runs);
        String id = created(owner.post("/api/v1/cost_reports", october("Storage cost", "measure", "cost",
                "group_by", List.of("virtual_tag:" + storage)))).body().path("id").asString();
        assertThat(rows(ok(owner.get("/api/v1/cost_reports/" + id + "/data")))).containsExactly("(none) 212.005",
                "Storage 5.55");
    }

    private static String plain(String decimal) {
        return new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }

}

package io.rebill.web.costs;

import io.rebill.identity.Users;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integrations;
import io.rebill.web.GoldenMonth;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
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
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 item 1 in cost reports: a customer account's reports add its own integrations' costs, as the provider
 * reports them, to what its MSP bills it, labelled by Source. The golden month of {@link GoldenMonth} is billed (Globex
 * is billed 156.5 in October 2026: its EC2 50.00 with the 3 % uplift, 51.5, its tax 5.00 and the fee of 100); Globex then connects
 * an AWS integration of its own with two lines of October (AmazonRDS 12.345 on the 8th, AmazonEC2 7.5 on the 9th,
 * provider account 444444444444), 19.845 in all, which no rule of the MSP touches. Exact decimals throughout.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnIntegrationReportsFlowTest {
    static final String OWN = "Globex own AWS";
    static final String BILLED_BY = "Billed by Cloud Partner Own";
    static final Path home = io.rebill.TestHomes.create("rebill-own-reports");

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    Users users;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Ingestion ingestion;

    private GoldenMonth.Msp golden;
    private PortalClient owner;
    private PortalClient acmeOwner;
    private PortalClient globexOwner;
    private String ownIntegration;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @BeforeAll
    void billAMonthAndConnectGlobexsOwnIntegration() throws IOException {
        golden = GoldenMonth.msp(port, accounts, users, "own-reports", "Cloud Partner Own",
                new String[][]{{"acme", "owner@acme-own.example"}, {"globex", "owner@globex-own.example"}});
        owner = golden.owner();
        acmeOwner = PortalClient.signIn(port, "owner@acme-own.example", GoldenMonth.CUSTOMER_PASSWORD);
        globexOwner = PortalClient.signIn(port, "owner@globex-own.example", GoldenMonth.CUSTOMER_PASSWORD);
        TinyCur.write(GoldenMonth.curFile(home, golden), GoldenMonth.lines());
        GoldenMonth.ingest(golden, GoldenMonth.connectAndSetRules(golden));
        GoldenMonth.awaitIdleSucceeded(jdbc, golden.account().id());

        ownIntegration = created(globexOwner.post("/api/v1/integrations", map("provider", "aws", "name", OWN,
                "kind", "uploads"))).body().path("id").asString();
        Path own = TinyCur.write(home.resolve("own/cur.csv"), List.of(
                GoldenMonth.on(8, "own-rds", "444444444444", "Usage", "AmazonRDS", "12.345"),
                GoldenMonth.on(9, "own-ec2", "444444444444", "Usage", "AmazonEC2", "7.5")));
        ok(globexOwner.upload("/api/v1/integrations/" + ownIntegration + "/uploads?file_name=cur.csv",
                Files.readAllBytes(own), "text/csv"));
        GoldenMonth.awaitIdleSucceeded(jdbc, golden.account().id());
    }

    private static Map<String, Object> october(String title, Object... more) {
        Map<String, Object> body = map("title", title, "range", "custom", "from", "2026-10-01", "to", "2026-10-31");
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    private JsonNode data(PortalClient who, Map<String, Object> report) {
        String id = created(who.post("/api/v1/cost_reports", report)).body().path("id").asString();
        return ok(who.get("/api/v1/cost_reports/" + id + "/data"));
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

    private static String plain(String decimal) {
        return new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }

    @Test
    void aCustomersReportIsWhatItsMspBillsPlusItsOwnIntegrationsExactlyBySource() {
        JsonNode bySource = data(globexOwner, october("Everything by source", "group_by", List.of("source", "service")));
        assertThat(plain(bySource.path("total").asString())).isEqualTo("176.345");
        assertThat(rows(bySource)).containsExactlyInAnyOrder(BILLED_BY + " Managed services 100",
                BILLED_BY + " AmazonEC2 56.5", OWN + " AmazonRDS 12.345", OWN + " AmazonEC2 7.5");
        assertThat(bySource.path("group_labels").toString()).isEqualTo("[\"Source\",\"Service\"]");

        // without the box: what the MSP bills only, as before
        JsonNode billedOnly = data(globexOwner, october("Billed only", "group_by", List.of("service"),
                "include_own_integrations", false));
        assertThat(plain(billedOnly.path("total").asString())).isEqualTo("156.5");
        assertThat(rows(billedOnly)).containsExactlyInAnyOrder("Managed services 100", "AmazonEC2 56.5");

        // the same service from both sources is one row when not grouped by source
        JsonNode byService = data(globexOwner, october("By service", "group_by", List.of("service")));
        assertThat(rows(byService)).containsExactlyInAnyOrder("Managed services 100", "AmazonEC2 64",
                "AmazonRDS 12.345");

        // by day: the own lines on their days, the fee on the 1st
        JsonNode byDay = data(globexOwner, october("By day", "granularity", "day", "group_by", List.of("source")));
        assertThat(byDay.path("buckets").size()).isEqualTo(31);
        for (JsonNode row : byDay.path("rows")) {
            List<String> amounts = new ArrayList<>();
            row.path("amounts").forEach(a -> amounts.add(plain(a.asString())));
            if (row.path("source").asString().equals(OWN)) {
                assertThat(amounts.get(7)).isEqualTo("12.345");
                assertThat(amounts.get(8)).isEqualTo("7.5");
                assertThat(amounts.stream().filter(a -> !a.equals("0")).count()).isEqualTo(2);
            } else {
                assertThat(row.path("source").asString()).isEqualTo(BILLED_BY);
                assertThat(amounts.get(0)).isEqualTo("100");
            }
        }
        // by week and month add up the same
        JsonNode byWeek = data(globexOwner, october("By week", "granularity", "week", "group_by", List.of()));
        assertThat(plain(byWeek.path("total").asString())).isEqualTo("176.345");

        // the fine dimensions (read from the run's daily file) carry the own lines' values too
        JsonNode byAccount = data(globexOwner, october("By account", "group_by", List.of("sub_account", "source")));
        assertThat(rows(byAccount)).contains("444444444444 " + OWN + " 19.845", "222222222222 " + BILLED_BY + " 56.5");
        assertThat(plain(byAccount.path("total").asString())).isEqualTo("176.345");
        JsonNode byRegion = data(globexOwner, october("By region", "group_by", List.of("region")));
        assertThat(plain(byRegion.path("total").asString())).isEqualTo("176.345");
        // a report by a tag: the own lines carry no team tag, so they are the row without a value; the golden
        // month's lines have no tags at all, so the run's tag aggregate holds no row of the key and the re-billed
        // figures come from its daily aggregate, without a value too: the same total as without the tag
        JsonNode byTag = data(globexOwner, october("By team", "group_by", List.of("tag:team", "source")));
        assertThat(rows(byTag)).containsExactly("(none) " + BILLED_BY + " 156.5", "(none) " + OWN + " 19.845");
        assertThat(plain(byTag.path("total").asString())).isEqualTo("176.345");
    }

    @Test
    void filtersOnSourceAndServiceApplyToBothSources() {
        JsonNode ownOnly = data(globexOwner, october("Own only", "group_by", List.of("service"), "filters",
                List.of(Map.of("dimension", "source", "operator", "include", "values", List.of(OWN)))));
        assertThat(plain(ownOnly.path("total").asString())).isEqualTo("19.845");
        JsonNode notOwn = data(globexOwner, october("Not own", "group_by", List.of("service"), "filters",
                List.of(Map.of("dimension", "source", "operator", "exclude", "values", List.of(OWN)))));
        assertThat(plain(notOwn.path("total").asString())).isEqualTo("156.5");
        JsonNode billed = data(globexOwner, october("Billed", "filters",
                List.of(Map.of("dimension", "source", "operator", "include", "values", List.of(BILLED_BY)))));
        assertThat(plain(billed.path("total").asString())).isEqualTo("156.5");
        JsonNode ec2 = data(globexOwner, october("EC2", "group_by", List.of("source"), "filters",
                List.of(Map.of("dimension", "service", "operator", "include", "values", List.of("AmazonEC2")))));
        assertThat(rows(ec2)).containsExactlyInAnyOrder(BILLED_BY + " 56.5", OWN + " 7.5");
        JsonNode notRds = data(globexOwner, october("Not RDS", "filters",
                List.of(Map.of("dimension", "service", "operator", "exclude", "values", List.of("AmazonRDS")))));
        assertThat(plain(notRds.path("total").asString())).isEqualTo("164");
        JsonNode region = data(globexOwner, october("Own account", "filters",
                List.of(Map.of("dimension", "sub_account", "operator", "include", "values", List.of("444444444444")))));
        assertThat(plain(region.path("total").asString())).isEqualTo("19.845");
    }

    @Test
    void theDefaultIsOnForCustomersAndOffForTheMspWhoseReportsAreUnchanged() {
        JsonNode made = created(globexOwner.post("/api/v1/cost_reports", october("Default"))).body();
        assertThat(made.path("include_own_integrations").asBoolean()).isTrue();
        // Globex's default report (made with the account) includes them too
        JsonNode defaults = ok(globexOwner.get("/api/v1/cost_reports"));
        JsonNode standard = defaults.valueStream().filter(r -> r.path("default").asBoolean()).findFirst().orElseThrow();
        assertThat(standard.path("include_own_integrations").asBoolean()).isTrue();

        JsonNode msp = created(owner.post("/api/v1/cost_reports", october("MSP by customer", "group_by",
                List.of("customer")))).body();
        assertThat(msp.path("include_own_integrations").asBoolean()).isFalse();
        JsonNode figures = ok(owner.get("/api/v1/cost_reports/" + msp.path("id").asString() + "/data"));
        assertThat(rows(figures)).contains("Acme Corp 244.20515", "Globex 156.5")
                .noneMatch(r -> r.startsWith(OWN));
        assertThat(figures.toString()).doesNotContain(OWN).doesNotContain("12.345").doesNotContain("19.845");
        Response asked = owner.post("/api/v1/cost_reports", october("MSP own", "include_own_integrations", true));
        assertThat(asked.status()).isEqualTo(400);
        assertThat(asked.detail()).contains("include_own_integrations is for customer accounts");
        Response bySource = owner.post("/api/v1/cost_reports", october("MSP by source", "group_by", List.of("source")));
        assertThat(bySource.status()).isEqualTo(400);
        assertThat(bySource.detail()).contains("dimension 'source' is for customer accounts");
    }

    @Test
    void anotherCustomerNeverSeesThemAndTheCsvAndPageLabelThem() {
        JsonNode acme = data(acmeOwner, october("Acme by source", "group_by", List.of("source", "service")));
        assertThat(plain(acme.path("total").asString())).isEqualTo("244.20515");
        assertThat(acme.toString()).doesNotContain(OWN).doesNotContain("12.345").doesNotContain("AmazonRDS");
        assertThat(rows(acme)).allMatch(r -> r.startsWith(BILLED_BY + " "));

        String id = created(globexOwner.post("/api/v1/cost_reports", october("Globex CSV", "group_by",
                List.of("source", "service")))).body().path("id").asString();
        String csv = globexOwner.get("/api/v1/cost_reports/" + id + "/csv").text();
        assertThat(csv.lines().toList()).contains("period_start,Source,Service,currency,charge",
                "2026-10-01," + OWN + ",AmazonRDS,USD,12.345", "2026-10-01," + OWN + ",AmazonEC2,USD,7.50",
                "2026-10-01," + BILLED_BY + ",AmazonEC2,USD,56.50");
        String page = globexOwner.page("/reports/" + id).body();
        assertThat(page).contains(OWN, BILLED_BY, "USD 176.35", "Include my own integrations");
        String other = acmeOwner.page("/reports").body() + acmeOwner.page("/").body();
        assertThat(other).doesNotContain(OWN);
    }

    @Test
    void aRestatementOfTheOwnIntegrationChangesTheReport() throws IOException {
        String id = created(globexOwner.post("/api/v1/cost_reports", october("Restated", "group_by",
                List.of("source")))).body().path("id").asString();
        JsonNode before = ok(globexOwner.get("/api/v1/cost_reports/" + id + "/data"));
        assertThat(rows(before)).containsExactlyInAnyOrder(BILLED_BY + " 156.5", OWN + " 19.845");
        // the provider restates October: RDS is 20.00 and EC2 gone; a new stored generation, so no cached sum stays
        Path restated = TinyCur.write(home.resolve("own/restated.csv"), List.of(
                GoldenMonth.on(8, "own-rds", "444444444444", "Usage", "AmazonRDS", "20.00")));
        ingestion.ingest(Integrations.sourceName(UUID.fromString(ownIntegration)), List.of(restated),
                ProgressListener.silent());
        JsonNode after = ok(globexOwner.get("/api/v1/cost_reports/" + id + "/data"));
        assertThat(rows(after)).containsExactlyInAnyOrder(BILLED_BY + " 156.5", OWN + " 20");
        assertThat(plain(after.path("total").asString())).isEqualTo("176.5");
        // put back as it was for the other tests
        ingestion.ingest(Integrations.sourceName(UUID.fromString(ownIntegration)), List.of(home.resolve("own/cur.csv")),
                ProgressListener.silent());
        assertThat(plain(ok(globexOwner.get("/api/v1/cost_reports/" + id + "/data")).path("total").asString()))
                .isEqualTo("176.345");
    }
}

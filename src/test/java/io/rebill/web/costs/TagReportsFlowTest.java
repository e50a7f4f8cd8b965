package io.rebill.web.costs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.rebill.identity.Users;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.web.GoldenMonth;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;
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
 * Reports by tag over several periods and a virtual tag bill runs cannot compute (issue 12 items 2 and 4), end to end
 * over HTTP with the real bill runs: September's lines carry no team tag, October's do, so September's tag aggregate
 * has no row of the key and its figures must still count, without a value; and a virtual tag stored with a condition
 * this version does not compile is skipped by the run, which succeeds, with the problem shown where the tag is kept.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TagReportsFlowTest {
    static final Path home = io.rebill.TestHomes.create("rebill-tag-reports-flow");

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
    private String acme;
    private String workload;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    /** A line of {@link TinyCur} in {@code period}, with its team tag (empty: none) last. */
    private static List<String> line(String period, String id, String account, String product, String cost,
                                     String team) {
        List<String> line = new ArrayList<>(TinyCur.lineIn(period, id, account, "Usage", product, cost, cost));
        line.add(team);
        return line;
    }

    @BeforeAll
    void billTwoMonths() throws IOException {
        GoldenMonth.Msp golden = GoldenMonth.msp(port, accounts, users, "tagreports", "Cloud Partner Tags",
                new String[][]{{"acme", "owner@acme-tags.example"}});
        msp = golden.account();
        owner = golden.owner();
        acme = golden.acme();
        acmeOwner = PortalClient.signIn(port, "owner@acme-tags.example", GoldenMonth.CUSTOMER_PASSWORD);
        workload = created(owner.post("/api/v1/virtual_tags", map("key", "Workload", "rules", List.of(
                Map.of("condition", "line.service_name == 'AmazonEC2'", "value", "Compute"))))).body().path("id")
                .asString();
        List<List<String>> lines = List.of(
                line("2026-09", "s-ec2-acme", "111111111111", "AmazonEC2", "20.00", ""),
                line("2026-09", "s-ec2-globex", "222222222222", "AmazonEC2", "10.00", ""),
                line("2026-10", "o-ec2-acme-web", "111111111111", "AmazonEC2", "100.00", "web"),
                line("2026-10", "o-ec2-acme-data", "111111111111", "AmazonEC2", "10.005", "data"),
                line("2026-10", "o-s3-acme", "111111111111", "AmazonS3", "5.55", ""),
                line("2026-10", "o-ec2-globex", "222222222222", "AmazonEC2", "50.00", "web"));
        Path file = GoldenMonth.curFile(home, golden);
        TinyCur.write(file, lines.stream().map(l -> l.subList(0, l.size() - 1)).toList());
        List<String> text = Files.readAllLines(file);
        List<String> out = new ArrayList<>(List.of(text.getFirst() + ",resourceTags/user:team"));
        for (int i = 1; i < text.size(); i++) {
            out.add(text.get(i) + "," + lines.get(i - 1).getLast());
        }
        Files.write(file, out);
        // both customers' accounts and a 3 % uplift from September
        String integration = created(owner.post("/api/v1/integrations", Map.of("provider", "aws",
                "name", "Main payer", "folder", "payer"))).body().path("id").asString();
        for (String[] link : new String[][]{{"111111111111", acme}, {"222222222222", golden.globex()}}) {
            Response r = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/" + link[0],
                    Map.of("customer_account_id", link[1], "from", "2026-09"));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
        }
        created(owner.post("/api/v1/billing_rules", map("key", "uplift-3", "title", "Uplift 3 %", "kind", "uplift",
                "percent", "3")));
        for (String customer : List.of(acme, golden.globex())) {
            Response r = owner.put("/api/v1/managed_accounts/" + customer + "/billing_rules",
                    Map.of("rules", List.of("uplift-3"), "from", "2026-09"));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
        }
        GoldenMonth.ingest(golden, integration);
        GoldenMonth.awaitIdleSucceeded(jdbc, msp.id());
    }

    private static Map<String, Object> septemberToOctober(String title, Object... more) {
        Map<String, Object> body = map("title", title, "range", "custom", "from", "2026-09-01", "to", "2026-10-31",
                "granularity", "month");
        for (int i = 0; i < more.length; i += 2) {
            body.put((String) more[i], more[i + 1]);
        }
        return body;
    }

    private static JsonNode data(PortalClient client, Map<String, Object> report) {
        return ok(client.get("/api/v1/cost_reports/" + created(client.post("/api/v1/cost_reports", report)).body()
                .path("id").asString() + "/data"));
    }

    /** The report's rows as "key amount-per-month... total", decimals without trailing zeros. */
    private static List<String> rows(JsonNode data) {
        List<String> rows = new ArrayList<>();
        for (JsonNode row : data.path("rows")) {
            StringBuilder s = new StringBuilder();
            for (JsonNode g : data.path("group_by")) {
                s.append(row.path(g.asString()).isNull() ? "(none)" : row.path(g.asString()).asString()).append(' ');
            }
            row.path("amounts").forEach(a -> s.append(plain(a.asString())).append(' '));
            rows.add(s + "= " + plain(row.path("total").asString()));
        }
        return rows;
    }

    private static String plain(String decimal) {
        return new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }

    @Test
    void aPeriodWithoutTheTagKeyCountsUnderNoValueSoEveryKeyHasTheTotalOfTheReportWithoutIt() {
        // Acme: September's EC2 20 x 1.03 = 20.6 (no tag that month), October's EC2 103 (web) and 10.30515 (data),
        // its S3 5.7165 (no tag)
        JsonNode byTeam = data(acmeOwner, septemberToOctober("By team", "group_by", List.of("tag:team")));
        assertThat(rows(byTeam)).containsExactly("web 0 103 = 103", "(none) 20.6 5.7165 = 26.3165",
                "data 0 10.30515 = 10.30515");
        assertThat(byTeam.path("periods_without_tag").toString()).isEqualTo("[\"2026-09\"]");
        JsonNode all = data(acmeOwner, septemberToOctober("All"));
        assertThat(all.path("periods_without_tag").toString()).isEqualTo("[]");
        assertThat(plain(byTeam.path("total").asString())).isEqualTo("139.62165")
                .isEqualTo(plain(all.path("total").asString()));
        // a key no line of either month carries: the whole total without a value
        JsonNode byOwner = data(acmeOwner, septemberToOctober("By owner", "group_by", List.of("tag:owner")));
        assertThat(rows(byOwner)).containsExactly("(none) 20.6 119.02165 = 139.62165");
        assertThat(byOwner.path("periods_without_tag").toString()).isEqualTo("[\"2026-09\",\"2026-10\"]");
        // a filter on a value: a month without the key has no line with it, so zero
        JsonNode web = data(acmeOwner, septemberToOctober("Web", "group_by", List.of("service"), "filters",
                List.of(Map.of("dimension", "tag:team", "operator", "include", "values", List.of("web")))));
        assertThat(rows(web)).containsExactly("AmazonEC2 0 103 = 103");
        // excluding a value keeps what has no value, that month's too
        JsonNode notWeb = data(acmeOwner, septemberToOctober("Not web", "filters",
                List.of(Map.of("dimension", "tag:team", "operator", "exclude", "values", List.of("web")))));
        assertThat(plain(notWeb.path("total").asString())).isEqualTo("36.62165");

        // the page says which month was read without the key
        String page = created(acmeOwner.post("/api/v1/cost_reports", septemberToOctober("Team page", "group_by",
                List.of("tag:team")))).body().path("id").asString();
        Response shown = acmeOwner.get("/reports/" + page);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.text()).contains("The bill runs of", "September 2026</span> kept no figures of this report");

        // the MSP: every customer, and its cost too, by the same key
        JsonNode mspByTeam = data(owner, septemberToOctober("By team", "group_by", List.of("tag:team", "customer")));
        assertThat(rows(mspByTeam)).containsExactly("web Acme Corp 0 103 = 103", "web Globex 0 51.5 = 51.5",
                "(none) Acme Corp 20.6 5.7165 = 26.3165", "data Acme Corp 0 10.30515 = 10.30515",
                "(none) Globex 10.3 0 = 10.3");
        JsonNode mspCost = data(owner, septemberToOctober("Cost by team", "measure", "cost", "group_by",
                List.of("tag:team")));
        assertThat(plain(mspCost.path("total").asString())).isEqualTo("195.555")
                .isEqualTo(plain(data(owner, septemberToOctober("Cost", "measure", "cost")).path("total").asString()));
    }

    @Test
    void aVirtualTagStoredWithAConditionThisVersionDoesNotCompileIsSkippedAndTheRunSucceeds() {
        Logger logger = (Logger) LoggerFactory.getLogger(io.rebill.rules.internal.TagAggregate.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        UUID legacy = UUID.randomUUID();
        try {
            // as an earlier version would have stored it: its save-time check passed then
            jdbc.sql("INSERT INTO virtual_tag (id, account_id, key, rules, created_by) VALUES (:id, :account,"
                            + " 'Legacy region', CAST(:rules AS jsonb), 'Ana Lee')").param("id", legacy)
                    .param("account", UUID.fromString(acme))
                    .param("rules", "[{\"condition\": \"line.service_name == 'AmazonEC2'\", \"value\": \"Compute\"},"
                            + " {\"condition\": \"line.regoin_id == 'us-east-1'\", \"value\": \"US\"}]").update();
            int runs = jdbc.sql("SELECT count(*) FROM bill_run WHERE msp_id = :msp").param("msp", msp.id())
                    .query(Integer.class).single();
            // any change bills again: here another of the MSP's virtual tags
            created(owner.post("/api/v1/virtual_tags", map("key", "Storage", "rules", List.of(
                    Map.of("condition", "line.service_name == 'AmazonS3'", "value", "Storage")))));
            GoldenMonth.awaitIdleSucceeded(jdbc, msp.id());
            assertThat(jdbc.sql("SELECT count(*) FROM bill_run WHERE msp_id = :msp AND status = 'succeeded'")
                    .param("msp", msp.id()).query(Integer.class).single()).isGreaterThan(runs);
        } finally {
            logger.detachAppender(log);
        }
        assertThat(log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage))
                .anySatisfy(w -> assertThat(w).contains("virtual tag 'Legacy region' (" + legacy + ") of Acme Corp",
                        "rules[2].condition", "regoin_id"));
        // the tag itself: every line without a value, its total the report's without it
        assertThat(rows(data(acmeOwner, septemberToOctober("By legacy", "group_by",
                List.of("virtual_tag:" + legacy))))).containsExactly("(none) 20.6 119.02165 = 139.62165");
        // the other tags and the daily figures as before
        assertThat(rows(data(owner, septemberToOctober("By workload", "group_by", List.of("virtual_tag:" + workload)))))
                .containsExactly("Compute 30.9 164.80515 = 195.70515", "(none) 0 5.7165 = 5.7165");
        assertThat(rows(data(acmeOwner, septemberToOctober("By service", "group_by", List.of("service")))))
                .containsExactly("AmazonEC2 20.6 113.30515 = 133.90515", "AmazonS3 0 5.7165 = 5.7165");
        // the problem where the tag is managed: the API's field and the page's warning
        JsonNode listed = ok(acmeOwner.get("/api/v1/virtual_tags"));
        assertThat(listed.findValues("problem").stream().filter(p -> !p.isNull()).map(JsonNode::asString).toList())
                .singleElement().satisfies(p -> assertThat(p).startsWith("rules[2].condition: ")
                        .contains("regoin_id", "did you mean region_id", "bill runs skip this tag"));
        assertThat(ok(owner.get("/api/v1/virtual_tags")).findValues("problem")).allMatch(JsonNode::isNull);
        Response page = acmeOwner.get("/reports/virtual-tags");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("Not computed:", "did you mean region_id?");
    }
}

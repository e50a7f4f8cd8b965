package io.rebill.web.costs;

import io.rebill.identity.Users;
import io.rebill.invoicing.BillRuns;
import io.rebill.rules.RunFiles;
import io.rebill.shared.io.Trees;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Accounts;
import io.rebill.web.GoldenMonth;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.Test;
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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, a closed period after an upgrade: its bill run was billed by an earlier version, which kept no fine
 * aggregate files, and a closed period is never billed again. The start rebuilds the files, figures only, from the
 * run's pinned configuration and stored data: the reports by region and by a tag then give the amounts of before to
 * the last digit, while the invoices, their numbers, the close, the runs and the figures by day, service and customer
 * stay as they were. When the stored data the run read is gone (the provider restated the period), or the rebuilt
 * figures differ from the run's totals, the reports say why instead of asking to try again in a minute.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ClosedFiguresRebuildTest {
    static final String PERIOD = GoldenMonth.PERIOD;
    static final String BY_REGION = "/api/v1/costs?period=" + PERIOD + "&group_by=customer,region";
    static final String BY_CUSTOMER = "/api/v1/costs?period=" + PERIOD + "&group_by=customer";

    /** Made here, not by @TempDir: the server starts before JUnit would inject it. */
    static final Path home = io.rebill.TestHomes.create("rebill-closed-figures");

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    Users users;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    BillRuns billRuns;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    /** An MSP of the golden month with the virtual tag Workload, billed, both invoices issued and the period closed. */
    private record Closed(GoldenMonth.Msp msp, String integration, String workload, UUID run, Path folder,
                          List<JsonNode> invoices) {
        PortalClient owner() {
            return msp.owner();
        }
    }

    private Closed billIssueAndClose(String slug) {
        GoldenMonth.Msp msp = GoldenMonth.msp(port, accounts, users, slug, "Cloud Partner " + slug, new String[0][]);
        // a virtual tag before the data, so the run sums by it: EC2 is Compute, the other AWS services Other AWS
        String workload = created(msp.owner().post("/api/v1/virtual_tags", map("key", "Workload", "rules", List.of(
                Map.of("condition", "line.service_name == 'AmazonEC2'", "value", "Compute"),
                Map.of("condition", "line.service_name.startsWith('Amazon')", "value", "Other AWS")))))
                .body().path("id").asString();
        TinyCur.write(GoldenMonth.curFile(home, msp), GoldenMonth.lines());
        String integration = GoldenMonth.connectAndSetRules(msp);
        GoldenMonth.ingest(msp, integration);
        GoldenMonth.awaitIdleSucceeded(jdbc, msp.account().id());
        List<JsonNode> issued = new ArrayList<>();
        for (String customer : List.of(msp.acme(), msp.globex())) {
            String draft = ok(msp.owner().get("/api/v1/invoices?status=draft&period=" + PERIOD + "&customer="
                    + customer)).path("items").get(0).path("id").asString();
            issued.add(ok(msp.owner().post("/api/v1/invoices/" + draft + "/issue", null)));
        }
        ok(msp.owner().post("/api/v1/billing/" + PERIOD + "/close", null));
        UUID run = jdbc.sql("SELECT id FROM bill_run WHERE msp_id = :msp AND status = 'succeeded' ORDER BY finished_at"
                + " DESC LIMIT 1").param("msp", msp.account().id()).query(UUID.class).single();
        return new Closed(msp, integration, workload, run,
                RunFiles.folder(home, msp.account().id(), BillingPeriod.parse(PERIOD), run), issued);
    }

    @Test
    void aClosedPeriodsFineFiguresAreRebuiltFromItsRunsInputsWithTheAmountsOfBeforeAndNothingElseChanges()
            throws Exception {
        Closed p = billIssueAndClose("rebuilt");
        String byRegion = rows(ok(p.owner().get(BY_REGION)));
        String byWorkload = workloadReport(p);
        String state = untouched(p);
        // Acme 244.20515 (EC2 and CloudFront uplifted, S3 excluded, the fee), Globex 156.5 (EC2 51.5, its tax 5, the
        // fee), the unassigned EC2 line 0: 400.70515 in all
        assertThat(plain(ok(p.owner().get(BY_REGION)).path("total").path("charge").asString())).isEqualTo("400.70515");
        assertThat(byWorkload).isEqualTo("(none) 200 | Compute 169.80515 | Other AWS 30.9 | total 400.70515");

        // what an upgrade leaves: the run's folder without its fine aggregates
        Trees.delete(p.folder().resolve(RunFiles.DAILY));
        Trees.delete(p.folder().resolve(RunFiles.TAGS));
        Response refreshing = p.owner().get(BY_REGION);
        assertThat(refreshing.status()).as(refreshing.text()).isEqualTo(409);
        assertThat(refreshing.code()).isEqualTo("FIGURES_REFRESHING");

        assertThat(billRuns.rebuildClosedFigures().get(90, TimeUnit.SECONDS)).containsExactly(p.run());

        assertThat(rows(ok(p.owner().get(BY_REGION)))).isEqualTo(byRegion);
        assertThat(workloadReport(p)).isEqualTo(byWorkload);
        assertThat(untouched(p)).isEqualTo(state);
        assertThat(jdbc.sql("SELECT figures_rebuilt_at IS NOT NULL AND figures_error IS NULL FROM bill_run WHERE id = :run")
                .param("run", p.run()).query(Boolean.class).single()).isTrue();
        // the MSP sees on the run when its figures were rebuilt
        var run = ok(p.owner().get("/api/v1/bill_runs/" + p.run()));
        assertThat(run.path("figures_rebuilt_at").asString()).isNotBlank();
        assertThat(run.path("figures_error").isNull()).isTrue();
        assertThat(stagingLeftovers(p.folder())).isEmpty();
        // idempotent: nothing left to rebuild, the files stay as installed
        long installed = Files.getLastModifiedTime(p.folder().resolve(RunFiles.DAILY)).toMillis();
        assertThat(billRuns.rebuildClosedFigures().get(90, TimeUnit.SECONDS)).isEmpty();
        assertThat(Files.getLastModifiedTime(p.folder().resolve(RunFiles.DAILY)).toMillis()).isEqualTo(installed);
    }

    @Test
    void aClosedPeriodWhoseStoredDataWasRestatedSaysItsFiguresCannotBeRebuiltAndKeepsItsRollup() throws Exception {
        Closed p = billIssueAndClose("restated");
        String byCustomer = rows(ok(p.owner().get(BY_CUSTOMER)));
        String generation = jdbc.sql("SELECT sources->0->>'generation' FROM bill_run WHERE id = :run")
                .param("run", p.run()).query(String.class).single();
        // the provider restates the closed month: a new generation replaces the one the run read
        List<List<String>> restated = new ArrayList<>(GoldenMonth.lines());
        restated.add(GoldenMonth.on(8, "l-ec2-acme-8", "111111111111", "Usage", "AmazonEC2", "1.00"));
        TinyCur.write(GoldenMonth.curFile(home, p.msp()), restated);
        GoldenMonth.ingest(p.msp(), p.integration());
        Trees.delete(p.folder().resolve(RunFiles.DAILY));
        Trees.delete(p.folder().resolve(RunFiles.TAGS));

        assertThat(billRuns.rebuildClosedFigures().get(90, TimeUnit.SECONDS)).isEmpty();

        Response unavailable = p.owner().get(BY_REGION);
        assertThat(unavailable.status()).as(unavailable.text()).isEqualTo(409);
        assertThat(unavailable.code()).isEqualTo("FIGURES_UNAVAILABLE");
        assertThat(unavailable.detail()).contains(PERIOD, "cannot be rebuilt", "generation " + generation,
                "integration 'Main payer'", "restated", "figures by day, service and customer stay")
                .doesNotContain("try again");
        // the figures by customer (the rollup the run wrote) are those of before, and the period is still closed
        assertThat(rows(ok(p.owner().get(BY_CUSTOMER)))).isEqualTo(byCustomer);
        assertThat(ok(p.owner().get("/api/v1/billing/" + PERIOD)).path("closed").asBoolean()).isTrue();
        // and the run says why, as the report does
        var run = ok(p.owner().get("/api/v1/bill_runs/" + p.run()));
        assertThat(run.path("figures_error").asString()).contains("generation " + generation, "restated");
        assertThat(run.path("figures_rebuilt_at").isNull()).isTrue();
        assertThat(Files.exists(p.folder().resolve(RunFiles.DAILY))).isFalse();
        assertThat(stagingLeftovers(p.folder())).isEmpty();
    }

    @Test
    void rebuiltFiguresThatDifferFromTheRunsTotalsAreNotInstalledAndAFolderWithoutLinesGetsThemToo()
            throws Exception {
        Closed p = billIssueAndClose("differ");
        String byRegion = rows(ok(p.owner().get(BY_REGION)));
        String acmeKey = accounts.find(UUID.fromString(p.msp().acme())).orElseThrow().key();
        // a data folder of a version before runs kept their lines: no folder at all
        Trees.delete(p.folder());
        // the run's stored total of Acme one hundred-thousandth off: the rebuilt files would disagree with it
        jdbc.sql("UPDATE bill_run_customer SET charge = charge + 0.00001 WHERE run_id = :run AND customer_key = :key")
                .param("run", p.run()).param("key", acmeKey).update();

        assertThat(billRuns.rebuildClosedFigures().get(90, TimeUnit.SECONDS)).isEmpty();
        Response refused = p.owner().get(BY_REGION);
        assertThat(refused.code()).as(refused.text()).isEqualTo("FIGURES_UNAVAILABLE");
        assertThat(refused.detail()).contains("differ from the run's totals", acmeKey, "244.20515", "244.20516",
                "none was installed");
        assertThat(Files.exists(p.folder().resolve(RunFiles.DAILY))).isFalse();
        assertThat(stagingLeftovers(p.folder())).isEmpty();

        jdbc.sql("UPDATE bill_run_customer SET charge = charge - 0.00001 WHERE run_id = :run AND customer_key = :key")
                .param("run", p.run()).param("key", acmeKey).update();
        // the run's rollup with a hundred-thousandth of Acme's EC2 moved from 3 to 4 October: the same totals per
        // customer, other figures by day
        shiftAcmesEc2(p, new BigDecimal("0.00001"));
        assertThat(billRuns.rebuildClosedFigures().get(90, TimeUnit.SECONDS)).isEmpty();
        Response byDay = p.owner().get(BY_REGION);
        assertThat(byDay.code()).as(byDay.text()).isEqualTo("FIGURES_UNAVAILABLE");
        assertThat(byDay.detail()).contains("differ from the run's figures by day and service",
                "2026-10-03 usage AmazonEC2 USD: cost 100, charge 103 against the run's 100, 102.99999",
                "2026-10-04 usage AmazonEC2 USD", "none was installed");
        assertThat(Files.exists(p.folder().resolve(RunFiles.DAILY))).isFalse();

        // put right, the next start's rebuild installs them, the kept lines with them
        shiftAcmesEc2(p, new BigDecimal("-0.00001"));
        assertThat(billRuns.rebuildClosedFigures().get(90, TimeUnit.SECONDS)).containsExactly(p.run());
        assertThat(rows(ok(p.owner().get(BY_REGION)))).isEqualTo(byRegion);
        assertThat(p.folder().resolve("lines")).isDirectoryContaining("glob:**.parquet");
        // Acme's FOCUS file, read by the MSP's Owner inside Acme, from the lines the rebuild kept: its 4 lines
        HttpResponse<byte[]> focus = PortalClient.signIn(port, "owner@differ.example", GoldenMonth.PASSWORD)
                .header("Rebill-Account", p.msp().acme()).download("/api/v1/costs/focus?period=" + PERIOD + "&format=csv");
        String text = new String(focus.body(), StandardCharsets.UTF_8);
        assertThat(focus.statusCode()).as(text).isEqualTo(200);
        assertThat(text.strip().split("\n")).hasSize(5);
        assertThat(text).contains("Acme Corp", "AmazonCloudFront", "Managed services").doesNotContain("Globex");
    }

    /** Moves {@code amount} of Acme's EC2 charge in the run's rollup from 3 to 4 October. */
    private void shiftAcmesEc2(Closed p, BigDecimal amount) {
        int rows = jdbc.sql("UPDATE cost_daily_service SET charge = charge + CASE WHEN day = DATE '2026-10-03'"
                        + " THEN -CAST(:amount AS numeric) ELSE CAST(:amount AS numeric) END WHERE msp_id = :msp"
                        + " AND customer_account_id = :acme AND kind = 'usage' AND service = 'AmazonEC2'"
                        + " AND day IN (DATE '2026-10-03', DATE '2026-10-04')")
                .param("amount", amount).param("msp", p.msp().account().id())
                .param("acme", UUID.fromString(p.msp().acme())).update();
        assertThat(rows).isEqualTo(2);
    }

    /** The report by the virtual tag Workload over the closed month, as the MSP reads it. */
    private String workloadReport(Closed p) {
        String id = created(p.owner().post("/api/v1/cost_reports", map("title", "By workload", "range", "custom",
                "from", "2026-10-01", "to", "2026-10-31", "group_by", List.of("virtual_tag:" + p.workload()))))
                .body().path("id").asString();
        JsonNode data = ok(p.owner().get("/api/v1/cost_reports/" + id + "/data"));
        List<String> rows = new ArrayList<>();
        for (JsonNode row : data.path("rows")) {
            JsonNode key = row.path("virtual_tag:" + p.workload());
            rows.add((key.isNull() ? "(none)" : key.asString()) + " " + plain(row.path("total").asString()));
        }
        rows.add("total " + plain(data.path("total").asString()));
        return String.join(" | ", rows);
    }

    /**
     * What the rebuild must not touch, as one text: each invoice as the API shows it (number, status, lines,
     * total), the close, the MSP's runs and the rollup by day, service and customer.
     */
    private String untouched(Closed p) {
        UUID msp = p.msp().account().id();
        StringBuilder s = new StringBuilder();
        for (JsonNode invoice : p.invoices()) {
            s.append(ok(p.owner().get("/api/v1/invoices/" + invoice.path("id").asString()))).append('\n');
        }
        s.append(jdbc.sql("SELECT closed_at || ' ' || closed_by FROM billing_period_close WHERE msp_id = :msp AND"
                + " period = :p").param("msp", msp).param("p", PERIOD).query(String.class).single()).append('\n');
        s.append(jdbc.sql("SELECT string_agg(id || ' ' || status || ' ' || finished_at, ',' ORDER BY id) FROM bill_run"
                + " WHERE msp_id = :msp").param("msp", msp).query(String.class).single()).append('\n');
        s.append(jdbc.sql("SELECT string_agg(concat_ws(' ', run_id, customer_account_id, day, kind, service, cost,"
                + " charge), ',' ORDER BY 1) FROM cost_daily_service WHERE msp_id = :msp").param("msp", msp)
                .query(String.class).single());
        return s.toString();
    }

    /** The figures' rows as "key key charge cost" lines, amounts as the API gives them (exact decimal strings). */
    private static String rows(JsonNode figures) {
        StringBuilder s = new StringBuilder();
        for (JsonNode row : figures.path("rows")) {
            s.append(row.toString()).append('\n');
        }
        return s.append(figures.path("total")).toString();
    }

    private static List<Path> stagingLeftovers(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".")).toList();
        }
    }

    private static String plain(String decimal) {
        return new BigDecimal(decimal).stripTrailingZeros().toPlainString();
    }
}

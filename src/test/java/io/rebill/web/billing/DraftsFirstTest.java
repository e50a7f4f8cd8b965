package io.rebill.web.billing;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.invoicing.BillRuns;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
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

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static io.rebill.web.billing.BillingFlowTest.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 8: a bill run commits its drafts as soon as the bill is computed, then the cost figures the reports
 * read. The run records when its drafts were ready; the Billing page follows the run whose drafts stand; a run that
 * fails after its drafts keeps them and says so, while the reports keep the previous run's figures (never a mix of
 * two runs); a server stopped between the two commits bills the period again at its next start; and a period does
 * not close while a run of it is running.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                // a configuration change waits this long before its run starts: time enough to stand in its way
                "rebill.billing.coalesce-ms=1500"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DraftsFirstTest {
    private static final String PERIOD = "2026-10";

    @TempDir
    static Path home;

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

    @Test
    void draftsComeFirstAndAFailureOfTheFiguresKeepsTheDraftsAndThePreviousFigures() throws Exception {
        Setup s = setUp("d1");
        JsonNode first = awaitFinished(s.owner, latestRun(s.owner).path("id").asString());
        assertThat(first.path("status").asString()).as(first.toString()).isEqualTo("succeeded");
        // the drafts were committed before the run ended, and the run says how long the MSP waited for them
        assertThat(first.path("drafts_ready_at").isNull()).isFalse();
        assertThat(first.path("drafts_took_ms").asLong()).isBetween(0L, first.path("took_ms").asLong());
        assertThat(draftTotal(s.owner, s.acme)).isEqualTo("103.00");
        assertThat(reportCharge(s.owner)).isEqualByComparingTo("103.00");

        // the uplift goes to 10 %: the configuration change queues a run that waits before it starts; a file where
        // its folder of cost figures must go makes its second commit fail (as a full disk or a lost folder would)
        ok(s.owner.patch("/api/v1/billing_rules/" + s.uplift, map("percent", "10")));
        JsonNode queued = awaitQueued(s.owner, first.path("id").asString());
        Path blocked = home.resolve("runs").resolve(s.msp.toString()).resolve(PERIOD)
                .resolve(queued.path("id").asString());
        Files.createDirectories(blocked.getParent());
        Files.writeString(blocked, "in the way");
        JsonNode second = awaitFinished(s.owner, queued.path("id").asString());
        assertThat(second.path("status").asString()).isEqualTo("failed");
        assertThat(second.path("drafts_ready_at").isNull()).isFalse();
        assertThat(second.path("error").asString()).contains("its drafts stand")
                .contains("the reports show the previous run's cost figures until the next run");
        // the drafts are the second run's; the Billing page follows them; the reports keep the first run's figures
        assertThat(draftTotal(s.owner, s.acme)).isEqualTo("110.00");
        JsonNode overview = ok(s.owner.get("/api/v1/billing/" + PERIOD));
        assertThat(overview.path("billed_by").path("id").asString()).isEqualTo(queued.path("id").asString());
        assertThat(new BigDecimal(overview.path("customers").get(0).path("charge").asString()))
                .isEqualByComparingTo("110.00");
        assertThat(reportCharge(s.owner)).isEqualByComparingTo("103.00");

        // the next run writes both again
        Files.delete(blocked);
        JsonNode third = awaitFinished(s.owner, ok(s.owner.post("/api/v1/bill_runs", Map.of("period", PERIOD)))
                .path("id").asString());
        assertThat(third.path("status").asString()).as(third.toString()).isEqualTo("succeeded");
        assertThat(reportCharge(s.owner)).isEqualByComparingTo("110.00");
        assertThat(draftTotal(s.owner, s.acme)).isEqualTo("110.00");
    }

    @Test
    void aRunStoppedAfterItsDraftsIsBilledAgainAtStartAndAPeriodDoesNotCloseWhileARunRuns() {
        Setup s = setUp("d2");
        JsonNode first = awaitFinished(s.owner, latestRun(s.owner).path("id").asString());
        assertThat(first.path("status").asString()).isEqualTo("succeeded");

        // a run of the period that is running (between its two commits, as a stopped server leaves it)
        UUID stopped = UUID.randomUUID();
        jdbc.sql("INSERT INTO bill_run (id, msp_id, period, status, trigger, requested_by, started_at, drafts_ready_at)"
                        + " VALUES (:id, :msp, :period, 'running', 'manual', 'Ana Lee', now(), now())")
                .param("id", stopped).param("msp", s.msp).param("period", PERIOD).update();
        // the Billing page's status box, polled while the run is busy, says the drafts are ready and reloads the page
        // when they are not the ones it shows, once
        var poll = s.owner.page("/billing/" + PERIOD + "/status?shown=" + first.path("id").asString());
        assertThat(poll.statusCode()).isEqualTo(200);
        assertThat(poll.body()).contains("Drafts ready", "updating the cost reports");
        assertThat(poll.headers().firstValue("HX-Refresh")).contains("true");
        var same = s.owner.page("/billing/" + PERIOD + "/status?shown=" + stopped);
        assertThat(same.body()).contains("Drafts ready");
        assertThat(same.headers().firstValue("HX-Refresh")).isEmpty();
        ok(s.owner.post("/api/v1/invoices/" + draftId(s.owner, s.acme) + "/issue", null));
        Response close = s.owner.post("/api/v1/billing/" + PERIOD + "/close", null);
        assertThat(close.status()).as(close.text()).isEqualTo(409);
        assertThat(close.body().path("detail").asString()).contains("a bill run of " + PERIOD + " is running")
                .contains("close the period when it has finished");

        // the next start: the stopped run failed, saying its drafts stood; the period is billed again by itself
        billRuns.recover();
        JsonNode failed = ok(s.owner.get("/api/v1/bill_runs/" + stopped));
        assertThat(failed.path("status").asString()).isEqualTo("failed");
        assertThat(failed.path("error").asString()).startsWith("interrupted after its drafts were ready");
        JsonNode again = latestRun(s.owner);
        assertThat(again.path("trigger").asString()).isEqualTo("setup");
        assertThat(awaitFinished(s.owner, again.path("id").asString()).path("status").asString()).isEqualTo("succeeded");
        assertThat(s.owner.post("/api/v1/billing/" + PERIOD + "/close", null).status()).isEqualTo(200);
    }

    private record Setup(UUID msp, PortalClient owner, String acme, String uplift) {
    }

    /** An MSP with one customer (Acme, one EC2 line of 100.00) and a 3 % uplift; the ingest bills October. */
    private Setup setUp(String key) {
        String domain = key + ".example";
        Account msp = accounts.createMsp(key, "Drafts MSP " + key, "owner@" + domain, domain, "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@" + domain, "Ana Lee", Optional.of("owner-password-1"),
                Role.OWNER, "test");
        PortalClient owner = PortalClient.signIn(port, "owner@" + domain, "owner-password-1");
        String acme = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@" + domain))).path("id").asString();
        Path folder = home.resolve("imports").resolve(msp.id().toString()).resolve("payer");
        TinyCur.write(folder.resolve("october.csv"), List.of(
                TinyCur.line("o-ec2-acme", "111111111111", "Usage", "AmazonEC2", "100.00", "100.00")));
        String integration = ok(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Main payer",
                "folder", "payer"))).path("id").asString();
        Response linked = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/111111111111",
                Map.of("customer_account_id", acme, "from", PERIOD));
        assertThat(linked.status()).as(linked.text()).isEqualTo(200);
        String uplift = ok(owner.post("/api/v1/billing_rules", Map.of("key", "uplift", "title", "Uplift",
                "kind", "uplift", "percent", "3"))).path("id").asString();
        ok(owner.put("/api/v1/managed_accounts/" + acme + "/billing_rules", Map.of("rules", List.of("uplift"),
                "from", PERIOD)));
        awaitIdle(owner);
        ok(owner.post("/api/v1/integrations/" + integration + "/ingest", null));
        awaitIdle(owner);
        return new Setup(msp.id(), owner, acme, uplift);
    }

    private static BigDecimal reportCharge(PortalClient owner) {
        return new BigDecimal(ok(owner.get("/api/v1/costs?period=" + PERIOD + "&group_by=customer")).path("total")
                .path("charge").asString());
    }

    private static String draftTotal(PortalClient owner, String customer) {
        return draft(owner, customer).path("total").asString();
    }

    private static String draftId(PortalClient owner, String customer) {
        return draft(owner, customer).path("id").asString();
    }

    private static JsonNode draft(PortalClient owner, String customer) {
        JsonNode items = ok(owner.get("/api/v1/invoices?status=draft&period=" + PERIOD + "&customer=" + customer))
                .path("items");
        assertThat(items.size()).as(items.toString()).isEqualTo(1);
        return items.get(0);
    }

    private static JsonNode latestRun(PortalClient owner) {
        return ok(owner.get("/api/v1/bill_runs?period=" + PERIOD)).path("items").get(0);
    }

    private static JsonNode awaitQueued(PortalClient owner, String after) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode latest = latestRun(owner);
            if (!latest.path("id").asString().equals(after) && latest.path("status").asString().equals("queued")) {
                return latest;
            }
            sleep();
        }
        throw new AssertionError("no run queued after " + after);
    }

    private static JsonNode awaitFinished(PortalClient owner, String run) {
        return RunSteps.awaitFinished(owner, run);
    }

    private static void awaitIdle(PortalClient owner) {
        RunSteps.awaitIdle(owner, PERIOD, false);
    }
}

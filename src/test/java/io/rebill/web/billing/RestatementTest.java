package io.rebill.web.billing;

import io.rebill.identity.Role;
import io.rebill.identity.Users;
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
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.rebill.web.billing.BillingFlowTest.lines;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.billing.BillingFlowTest.sleep;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spec §4, golden: September 2026 is issued and closed; the provider then restates it (a cost up, a cost down, a new
 * line, a removed line, and a line of an account that has since moved to another customer). Nothing of September
 * changes; October's drafts carry the differences as correction lines naming September's invoices, each the
 * difference of the rounded amounts, and billing October again does not bill them twice.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RestatementTest {
    @TempDir
    static Path home;

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Autowired
    Users users;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @Test
    void aRestatedClosedPeriodIsBilledAsCorrectionsInTheNextOpenPeriod() {
        Account msp = accounts.createMsp("r1", "Restating MSP", "owner@r1.example", "r1.example", "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@r1.example", "Ana Lee", Optional.of("owner-password-1"),
                Role.OWNER, "test");
        PortalClient owner = PortalClient.signIn(port, "owner@r1.example", "owner-password-1");
        String acme = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@r1.example"))).path("id").asString();
        String globex = ok(owner.post("/api/v1/managed_accounts", Map.of("name", "Globex",
                "contact_email", "admin+globex@r1.example"))).path("id").asString();
        Path folder = home.resolve("imports").resolve(msp.id().toString()).resolve("payer");
        writeSeptember(folder, List.of(
                TinyCur.lineIn("2026-09", "s-ec2-acme", "111111111111", "Usage", "AmazonEC2", "100.00", "100.00"),
                TinyCur.lineIn("2026-09", "s-s3-acme", "111111111111", "Usage", "AmazonS3", "10.00", "10.00"),
                TinyCur.lineIn("2026-09", "s-cf-moved", "444444444444", "Usage", "AmazonCloudFront", "20.00", "20.00"),
                TinyCur.lineIn("2026-09", "s-ec2-globex", "222222222222", "Usage", "AmazonEC2", "50.00", "50.00"),
                TinyCur.lineIn("2026-09", "s-tax-globex", "222222222222", "Tax", "AmazonEC2", "5.00", "5.00")));
        TinyCur.write(folder.resolve("october.csv"), List.of(
                TinyCur.line("o-ec2-acme", "111111111111", "Usage", "AmazonEC2", "10.00", "10.00"),
                TinyCur.line("o-cf-moved", "444444444444", "Usage", "AmazonCloudFront", "1.00", "1.00"),
                TinyCur.line("o-ec2-globex", "222222222222", "Usage", "AmazonEC2", "50.00", "50.00")));
        String integration = ok(owner.post("/api/v1/integrations", Map.of("provider", "aws", "name", "Main payer",
                "folder", "payer"))).path("id").asString();
        link(owner, integration, "111111111111", acme, "2026-09");
        link(owner, integration, "222222222222", globex, "2026-09");
        link(owner, integration, "444444444444", acme, "2026-09");
        link(owner, integration, "444444444444", globex, "2026-10");
        ok(owner.post("/api/v1/billing_rules", Map.of("key", "uplift-3", "title", "Uplift 3 %", "kind", "uplift",
                "percent", "3")));
        ok(owner.post("/api/v1/billing_rules", map("key", "fee", "title", "Management fee", "kind", "charge",
                "amount", "100", "frequency", "monthly", "invoice", Map.of("service", "Managed services"))));
        for (String customer : List.of(acme, globex)) {
            ok(owner.put("/api/v1/managed_accounts/" + customer + "/billing_rules",
                    Map.of("rules", List.of("uplift-3", "fee"), "from", "2026-09")));
        }
        ok(owner.post("/api/v1/integrations/" + integration + "/ingest", null));
        awaitIdle(owner, "2026-09");
        awaitIdle(owner, "2026-10");
        JsonNode acmeSeptember = issue(owner, draft(owner, acme, "2026-09"));
        JsonNode globexSeptember = issue(owner, draft(owner, globex, "2026-09"));
        assertThat(lines(acmeSeptember)).containsExactly("service AmazonCloudFront 20.60", "service AmazonEC2 103.00",
                "service AmazonS3 10.30", "charge Managed services 100.00");
        assertThat(acmeSeptember.path("total").asString()).isEqualTo("233.90");
        assertThat(globexSeptember.path("total").asString()).isEqualTo("156.50");
        ok(owner.post("/api/v1/billing/2026-09/close", null));
        JsonNode acmeOctoberBefore = draft(owner, acme, "2026-10");
        assertThat(acmeOctoberBefore.path("total").asString()).isEqualTo("110.30");

        // the restatement: EC2 up, S3 down, RDS new, the moved account's CloudFront up, Globex's EC2 removed
        writeSeptember(folder, List.of(
                TinyCur.lineIn("2026-09", "s-ec2-acme", "111111111111", "Usage", "AmazonEC2", "120.00", "120.00"),
                TinyCur.lineIn("2026-09", "s-s3-acme", "111111111111", "Usage", "AmazonS3", "4.00", "4.00"),
                TinyCur.lineIn("2026-09", "s-rds-acme", "111111111111", "Usage", "AmazonRDS", "30.00", "30.00"),
                TinyCur.lineIn("2026-09", "s-cf-moved", "444444444444", "Usage", "AmazonCloudFront", "25.00", "25.00"),
                TinyCur.lineIn("2026-09", "s-tax-globex", "222222222222", "Tax", "AmazonEC2", "5.00", "5.00")));
        ok(owner.post("/api/v1/integrations/" + integration + "/ingest", null));
        JsonNode acmeOctober = awaitDraft(owner, acme, "2026-10", d -> !d.path("total").asString().equals("110.30"));
        String sep = acmeSeptember.path("number").asString();
        assertThat(lines(acmeOctober)).containsExactly("service AmazonEC2 10.30", "charge Managed services 100.00",
                "correction Correction to " + sep + " (September 2026): AmazonCloudFront 5.15",
                "correction Correction to " + sep + " (September 2026): AmazonEC2 20.60",
                "correction Correction to " + sep + " (September 2026): AmazonRDS 30.90",
                "correction Correction to " + sep + " (September 2026): AmazonS3 -6.18");
        assertThat(acmeOctober.path("total").asString()).isEqualTo("160.77");
        assertThat(acmeOctober.path("lines").valueStream().filter(l -> l.path("kind").asString().equals("correction"))
                .map(l -> l.path("corrects_number").asString()).distinct().toList()).containsExactly(sep);
        JsonNode globexOctober = awaitDraft(owner, globex, "2026-10", d -> d.path("lines").toString().contains("Correction"));
        assertThat(lines(globexOctober)).contains("correction Correction to " + globexSeptember.path("number")
                .asString() + " (September 2026): AmazonEC2 -51.50");
        assertThat(lines(globexOctober)).contains("service AmazonCloudFront 1.03");
        assertThat(globexOctober.path("total").asString()).isEqualTo("101.03");

        // September itself never changed
        JsonNode september = ok(owner.get("/api/v1/invoices/" + acmeSeptember.path("id").asString()));
        assertThat(september.path("total").asString()).isEqualTo("233.90");
        assertThat(september.path("status").asString()).isEqualTo("issued");
        // billing October again keeps the corrections once
        ok(owner.post("/api/v1/bill_runs", Map.of("period", "2026-10")));
        awaitIdle(owner, "2026-10");
        assertThat(draft(owner, acme, "2026-10").path("total").asString()).isEqualTo("160.77");
        // once issued, a correction is not billed again by a later run
        JsonNode issuedOctober = issue(owner, draft(owner, acme, "2026-10"));
        assertThat(issuedOctober.path("total").asString()).isEqualTo("160.77");
    }

    private static void writeSeptember(Path folder, List<List<String>> lines) {
        TinyCur.write(folder.resolve("september.csv"), lines);
    }

    private static void link(PortalClient owner, String integration, String sub, String customer, String from) {
        Response r = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/" + sub,
                Map.of("customer_account_id", customer, "from", from));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    private static JsonNode issue(PortalClient owner, JsonNode draft) {
        return ok(owner.post("/api/v1/invoices/" + draft.path("id").asString() + "/issue", null));
    }

    private static JsonNode draft(PortalClient owner, String customer, String period) {
        return awaitDraft(owner, customer, period, d -> true);
    }

    private static JsonNode awaitDraft(PortalClient owner, String customer, String period,
                                       java.util.function.Predicate<JsonNode> which) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            awaitIdle(owner, period);
            for (JsonNode i : ok(owner.get("/api/v1/invoices?status=draft&period=" + period + "&customer=" + customer))
                    .path("items")) {
                if (which.test(i)) {
                    return i;
                }
            }
            sleep();
        }
        throw new AssertionError("no such draft of " + customer + " in " + period);
    }

    private static void awaitIdle(PortalClient owner, String period) {
        RunSteps.awaitIdle(owner, period, true);
    }
}

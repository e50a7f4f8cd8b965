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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Billing page and the billing API keep each period's view per version of its runs, invoices and close
 * (BillingViews): an issue, a void, a new run or a change committed by another server shows at the very next
 * request, and one MSP's kept view is never another's. Automatic runs are off, so that every run here is one the
 * test asked for and each view in between is deterministic.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=50", "rebill.billing.automatic=false"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BillingViewsTest {
    static final String PASSWORD = "owner-password-123";
    static final String PERIOD = "2026-10";
    private static final AtomicInteger MSPS = new AtomicInteger();

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
    KeptPages kept;

    @Autowired
    javax.sql.DataSource dataSource;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    /** An MSP with one customer named after the MSP, billed once for October 2026. */
    record World(Account msp, PortalClient owner, String customer, String customerName) {
    }

    @Test
    void anIssueAVoidAndANewRunShowAtTheNextRequest() {
        World w = billedWorld();
        assertThat(row(w)).contains("badge-draft", ">Draft<", "USD 100.00");
        JsonNode overview = ok(w.owner().get("/api/v1/billing/" + PERIOD));
        String draft = invoiceOf(overview).path("id").asString();
        assertThat(invoiceOf(overview).path("status").asString()).isEqualTo("draft");

        assertThat(listed(w)).contains("data-status=\"draft\"");
        assertThat(ok(w.owner().get("/api/v1/invoices?period=" + PERIOD)).path("items").get(0).path("status")
                .asString()).isEqualTo("draft");

        String number = ok(w.owner().post("/api/v1/invoices/" + draft + "/issue", null)).path("number").asString();
        assertThat(row(w)).contains("badge-issued", ">Issued<", number).doesNotContain(">Draft<");
        // the invoice list's kept rows and JSON follow too
        assertThat(listed(w)).contains("data-status=\"issued\"", number).doesNotContain("data-status=\"draft\"");
        JsonNode listedJson = ok(w.owner().get("/api/v1/invoices?period=" + PERIOD)).path("items").get(0);
        assertThat(listedJson.path("status").asString()).isEqualTo("issued");
        assertThat(listedJson.path("number").asString()).isEqualTo(number);
        assertThat(invoiceOf(ok(w.owner().get("/api/v1/billing/" + PERIOD))).path("number").asString())
                .isEqualTo(number);

        ok(w.owner().post("/api/v1/invoices/" + draft + "/void", Map.of("reason", "wrong PO")));
        assertThat(row(w)).contains("badge-void", ">Void<", number);
        assertThat(listed(w)).contains("data-status=\"void\"", number);
        assertThat(invoiceOf(ok(w.owner().get("/api/v1/billing/" + PERIOD))).path("status").asString())
                .isEqualTo("void");

        // a new run: its new draft at once
        billNow(w);
        assertThat(row(w)).contains("badge-draft", ">Draft<").doesNotContain(number);
        assertThat(runStatus(w)).contains("Billed");
        JsonNode after = invoiceOf(ok(w.owner().get("/api/v1/billing/" + PERIOD)));
        assertThat(after.path("status").asString()).isEqualTo("draft");
        assertThat(after.path("id").asString()).isNotEqualTo(draft);
        // the void invoice and the new draft: a full page of one counts the rest (another MSP's invoices excluded),
        // a page that is not full ends the list
        billedWorld();
        JsonNode pageOfOne = ok(w.owner().get("/api/v1/invoices?period=" + PERIOD + "&limit=1"));
        assertThat(pageOfOne.path("items")).hasSize(1);
        assertThat(pageOfOne.path("total").asLong()).isEqualTo(2);
        assertThat(ok(w.owner().get("/api/v1/invoices?period=" + PERIOD + "&status=void&limit=1")).path("total")
                .asLong()).isEqualTo(1);
        JsonNode second = ok(w.owner().get("/api/v1/invoices?limit=1&offset=1"));
        assertThat(second.path("total").asLong()).isEqualTo(2);
        assertThat(ok(w.owner().get("/api/v1/invoices?limit=5&offset=1")).path("total").asLong()).isEqualTo(2);
    }

    @Test
    void aChangeCommittedByAnotherServerShowsAtTheNextRequest() {
        World w = billedWorld();
        String draft = invoiceOf(ok(w.owner().get("/api/v1/billing/" + PERIOD))).path("id").asString();
        String number = ok(w.owner().post("/api/v1/invoices/" + draft + "/issue", null)).path("number").asString();
        assertThat(row(w)).contains(">Issued<");
        ok(w.owner().get("/api/v1/billing/" + PERIOD));
        // what another server's void and close write, straight into the database: no event of this server
        jdbc.sql("UPDATE invoice SET status = 'void', voided_at = now(), voided_by = 'other server', "
                + "void_reason = 'elsewhere', updated_at = now() WHERE id = :id").param("id", UUID.fromString(draft))
                .update();
        assertThat(row(w)).contains(">Void<", number);
        jdbc.sql("INSERT INTO billing_period_close (msp_id, period, closed_by) VALUES (:msp, :period, 'Bo Other')")
                .param("msp", w.msp().id()).param("period", PERIOD).update();
        String page = w.owner().page("/billing/" + PERIOD).body();
        assertThat(page).contains("Closed by Bo Other");
        // the period list (rendered once per content) marks the period shown, and only that one
        assertThat(page).contains("<option value=\"2026-10\" selected=\"selected\">October 2026</option>");
        assertThat(w.owner().page("/billing/2026-09").body())
                .contains("<option value=\"2026-10\">October 2026</option>").doesNotContain("selected=\"selected\"");
        JsonNode overview = ok(w.owner().get("/api/v1/billing/" + PERIOD));
        assertThat(overview.path("closed").asBoolean()).isTrue();
        assertThat(invoiceOf(overview).path("status").asString()).isEqualTo("void");
    }

    /**
     * The kept views' versions are counters that triggers raise (migration V2026_12_09_0100): they must move for
     * writes no Rebill code path makes, as an operator's SQL, a restore script or the database's own cascades would,
     * on every table the views read: an invoice's lines alone, the run's customer rows alone, a customer's name, a
     * run deleted with its customer rows (its invoices' run set to null), a customer deleted with its invoices. And
     * another MSP's views stay its own throughout.
     */
    @Test
    void changesWrittenInTheDatabaseShowAtTheNextRequest() {
        World w = billedWorld();
        World other = billedWorld();
        assertThat(row(other)).contains(">Draft<", "USD 100.00");
        assertThat(row(w)).contains(">Draft<", "USD 100.00").doesNotContain("USD 105.00");
        JsonNode listed = ok(w.owner().get("/api/v1/invoices?period=" + PERIOD)).path("items").get(0);
        assertThat(listed.path("total").asString()).isEqualTo("100.00");
        UUID draft = UUID.fromString(listed.path("id").asString());

        jdbc.sql("UPDATE invoice_line SET amount = amount + 5, exact = exact + 5 WHERE invoice_id = :id"
                + " AND kind = 'service'").param("id", draft).update();
        assertThat(row(w)).contains("USD 105.00");
        assertThat(ok(w.owner().get("/api/v1/invoices?period=" + PERIOD)).path("items").get(0).path("total")
                .asString()).isEqualTo("105.00");
        assertThat(invoiceOf(ok(w.owner().get("/api/v1/billing/" + PERIOD))).path("total").asString())
                .isEqualTo("105.00");
        assertThat(listed(w)).contains("USD 105.00");

        jdbc.sql("UPDATE bill_run_customer SET charge = 130 WHERE msp_id = :msp").param("msp", w.msp().id()).update();
        assertThat(row(w)).contains("USD 130.00");

        jdbc.sql("UPDATE account SET name = 'Renamed Customer' WHERE id = :id")
                .param("id", UUID.fromString(w.customer())).update();
        assertThat(listed(w)).contains("Renamed Customer").doesNotContain(w.customerName());
        assertThat(ok(w.owner().get("/api/v1/invoices")).path("items").get(0).path("customer_name").asString())
                .isEqualTo("Renamed Customer");

        jdbc.sql("DELETE FROM bill_run WHERE msp_id = :msp").param("msp", w.msp().id()).update();
        assertThat(w.owner().page("/billing/" + PERIOD).body()).doesNotContain("data-customer=");
        assertThat(runStatus(w)).contains("Not billed yet");
        assertThat(ok(w.owner().get("/api/v1/billing/" + PERIOD)).path("customers")).isEmpty();

        jdbc.sql("DELETE FROM account WHERE id = :id").param("id", UUID.fromString(w.customer())).update();
        assertThat(listed(w)).contains("No invoices match").doesNotContain("Renamed Customer");
        assertThat(ok(w.owner().get("/api/v1/invoices")).path("total").asLong()).isZero();

        assertThat(row(other)).contains(">Draft<", "USD 100.00").doesNotContain("USD 105.00", "USD 130.00");
        assertThat(listed(other)).contains(other.customerName(), "USD 100.00").doesNotContain("Renamed Customer");
        assertThat(ok(other.owner().get("/api/v1/invoices")).path("total").asLong()).isEqualTo(1);
    }

    /**
     * Every transaction that writes an MSP's billing data takes the MSP's counter row first (migration
     * V2026_12_09_0100), an issue too: an issue while another transaction holds the period's counter (as a run writing
     * its drafts does) and then writes the same invoice waits for it and succeeds, where locking the invoice first
     * and the counters after would deadlock (PostgreSQL then aborts one of the two).
     */
    @Test
    void anIssueWhileARunsTransactionWritesThePeriodWaitsInsteadOfDeadlocking() throws Exception {
        World w = billedWorld();
        String draft = invoiceOf(ok(w.owner().get("/api/v1/billing/" + PERIOD))).path("id").asString();
        try (java.sql.Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (java.sql.PreparedStatement s = c.prepareStatement(
                    "UPDATE bill_run SET progress = 'writing drafts' WHERE msp_id = ?")) {
                s.setObject(1, w.msp().id());
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            java.util.concurrent.CompletableFuture<Response> issue = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> w.owner().post("/api/v1/invoices/" + draft + "/issue", null));
            Thread.sleep(700);
            assertThat(issue).as("the issue waits for the transaction that holds the MSP's billing rows").isNotDone();
            try (java.sql.PreparedStatement s = c.prepareStatement(
                    "UPDATE invoice SET updated_at = now() WHERE id = ?")) {
                s.setObject(1, UUID.fromString(draft));
                assertThat(s.executeUpdate()).isEqualTo(1);
            }
            c.commit();
            Response issued = issue.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(issued.status()).as(issued.text()).isEqualTo(200);
        }
        assertThat(row(w)).contains(">Issued<");
    }

    /**
     * The page is kept whole per model (KeptPages): each viewer still gets their own frame (name, e-mail, role) and
     * every response its own CSRF token, one that the session accepts; a rename written by SQL (the MSP's name in the
     * frame, a customer's name in the run's figures) shows at the next request.
     */
    @Test
    void eachViewerGetsTheirOwnFrameAndTokenAndRenamesShowAtTheNextRequest() {
        World w = billedWorld();
        String domain = w.msp().key() + ".example";
        users.addMember(w.msp().id(), AccountKind.MSP, "integrations@" + domain, "Bo Reed", Optional.of(PASSWORD),
                Role.INTEGRATION_OWNER, "test");
        PortalClient bo = PortalClient.signIn(port, "integrations@" + domain, PASSWORD);
        String path = "/billing/" + PERIOD;
        int keptBefore = kept.size();
        String ana1 = w.owner().page(path).body();
        String ana2 = w.owner().page(path).body();
        String bos = bo.page(path).body();
        assertThat(kept.size()).as("one page kept for each viewer, the second view served from it")
                .isEqualTo(keptBefore + 2);
        assertThat(ana1).contains("owner@" + domain, ">Owner<", "User menu\">Ana Lee<", w.customerName(),
                "id=\"run-bill\"").doesNotContain("integrations@" + domain, "Bo Reed");
        // the run status names who ran the bill (Ana Lee): the same for both viewers
        assertThat(bos).contains("integrations@" + domain, ">Integration Owner<", "User menu\">Bo Reed<",
                w.customerName(), "id=\"run-bill\"").doesNotContain("owner@" + domain, "User menu\">Ana Lee<");
        // one token throughout a page (the meta tag and every form), another in every response
        String t1 = onlyToken(ana1);
        String t2 = onlyToken(ana2);
        String t3 = onlyToken(bos);
        assertThat(List.of(t1, t2, t3)).doesNotHaveDuplicates();
        assertThat(ana1.replace(t1, "TOKEN")).isEqualTo(ana2.replace(t2, "TOKEN"));

        jdbc.sql("UPDATE account SET name = 'Renamed Partner' WHERE id = :id").param("id", w.msp().id()).update();
        assertThat(w.owner().page(path).body()).contains("Renamed Partner").doesNotContain(w.msp().name());
        assertThat(bo.page(path).body()).contains("Renamed Partner");
        jdbc.sql("UPDATE bill_run_customer SET name = 'Renamed In The Run' WHERE msp_id = :msp")
                .param("msp", w.msp().id()).update();
        assertThat(w.owner().page(path).body()).contains("data-customer=\"Renamed In The Run\"")
                .doesNotContain("data-customer=\"" + w.customerName() + "\"");
        // last (it queues a run): the token a kept page carries is the session's: its form posts (403 if it were not)
        var run = bo.submit(path, path + "/run", Map.of());
        assertThat(run.statusCode()).as(run.body()).isEqualTo(302);
        assertThat(run.headers().firstValue("Location").orElse("")).endsWith(path);
        // its message shows once, on the page the redirect leads to, and not on the kept page after it
        assertThat(bo.page(path).body()).contains("Billing October 2026 now.");
        assertThat(bo.page(path).body()).doesNotContain("Billing October 2026 now.");
    }

    private static String onlyToken(String page) {
        Matcher meta = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"").matcher(page);
        assertThat(meta.find()).as("the page's CSRF meta tag").isTrue();
        Matcher fields = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"").matcher(page);
        int forms = 0;
        while (fields.find()) {
            assertThat(fields.group(1)).isEqualTo(meta.group(1));
            forms++;
        }
        assertThat(forms).as("forms with a CSRF field (sign out, run bill)").isGreaterThanOrEqualTo(2);
        return meta.group(1);
    }

    @Test
    void oneMspsKeptViewIsNeverAnothersAndNoCustomerSeesIt() {
        World a = billedWorld();
        World b = billedWorld();
        String pageA = a.owner().page("/billing/" + PERIOD).body();
        JsonNode apiA = ok(a.owner().get("/api/v1/billing/" + PERIOD));
        String invoiceA = invoiceOf(apiA).path("id").asString();
        assertThat(pageA).contains(a.customerName(), invoiceA);

        String pageB = b.owner().page("/billing/" + PERIOD).body();
        JsonNode apiB = ok(b.owner().get("/api/v1/billing/" + PERIOD));
        assertThat(pageB).contains(b.customerName()).doesNotContain(a.customerName(), invoiceA);
        assertThat(apiB.toString()).contains(b.customerName()).doesNotContain(a.customerName(), invoiceA);
        assertThat(apiB.path("customers")).hasSize(1);

        // a customer account of A reads neither A's kept page nor its JSON
        String domain = "cust-" + a.msp().key() + ".example";
        users.addMember(UUID.fromString(a.customer()), AccountKind.CUSTOMER, "cfo@" + domain, "CFO",
                Optional.of(PASSWORD), Role.OWNER, "test");
        PortalClient cfo = PortalClient.signIn(port, "cfo@" + domain, PASSWORD);
        assertThat(cfo.get("/api/v1/billing/" + PERIOD).status()).isEqualTo(403);
        var page = cfo.page("/billing/" + PERIOD);
        assertThat(page.statusCode()).isEqualTo(403);
        assertThat(page.body()).doesNotContain(invoiceA, "USD 100.00");
        // the invoice list after the MSP viewed it: the customer's list has no draft, and B's has none of A's
        assertThat(a.owner().page("/invoices").body()).contains(invoiceA);
        assertThat(cfo.page("/invoices").body()).doesNotContain(invoiceA).contains("No invoices match");
        assertThat(b.owner().page("/invoices").body()).doesNotContain(invoiceA, a.customerName());
    }

    // ---- helpers ----

    private World billedWorld() {
        String key = "v" + MSPS.incrementAndGet();
        String domain = key + ".example";
        Account msp = accounts.createMsp(key, "Cloud Partner " + key, "owner@" + domain, domain, "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@" + domain, "Ana Lee", Optional.of(PASSWORD), Role.OWNER,
                "test");
        PortalClient owner = PortalClient.signIn(port, "owner@" + domain, PASSWORD);
        String name = "Customer of " + key;
        String customer = created(owner.post("/api/v1/managed_accounts", Map.of("name", name,
                "contact_email", "admin+c@" + domain))).body().path("id").asString();
        TinyCur.write(home.resolve("imports").resolve(msp.id().toString()).resolve("payer/cur.csv"), List.of(
                TinyCur.line("l-ec2-" + key, "111111111111", "Usage", "AmazonEC2", "100.00", "120.00")));
        String integration = created(owner.post("/api/v1/integrations", Map.of("provider", "aws",
                "name", "Main payer", "folder", "payer"))).body().path("id").asString();
        Response link = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/111111111111",
                Map.of("customer_account_id", customer, "from", PERIOD));
        assertThat(link.status()).as(link.text()).isEqualTo(200);
        ok(owner.post("/api/v1/integrations/" + integration + "/ingest", null));
        World w = new World(msp, owner, customer, name);
        billNow(w);
        return w;
    }

    private static void billNow(World w) {
        Response r = w.owner().post("/api/v1/bill_runs", Map.of("period", PERIOD));
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        String id = r.body().path("id").asString();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode run = ok(w.owner().get("/api/v1/bill_runs/" + id));
            String status = run.path("status").asString();
            assertThat(status).as(run.toString()).isNotEqualTo("failed");
            if (status.equals("succeeded")) {
                return;
            }
            BillingFlowTest.sleep();
        }
        throw new AssertionError("bill run " + id + " did not succeed in 60 s");
    }

    /** The customer's row of the Billing page's table, as served. */
    private static String row(World w) {
        String html = w.owner().page("/billing/" + PERIOD).body();
        Matcher m = Pattern.compile("<tr data-customer=\"" + Pattern.quote(w.customerName()) + "\">(.*?)</tr>",
                Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("a row for %s in %s", w.customerName(), html).isTrue();
        return m.group(1).replaceAll("\\s+", " ");
    }

    /** The invoice list page of the period, as served. */
    private static String listed(World w) {
        return w.owner().page("/invoices?period=" + PERIOD).body();
    }

    private static String runStatus(World w) {
        String html = w.owner().page("/billing/" + PERIOD).body();
        Matcher m = Pattern.compile("id=\"run-status\".*?</div>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).as("the run status box").isTrue();
        return m.group().replaceAll("\\s+", " ");
    }

    private static JsonNode invoiceOf(JsonNode overview) {
        assertThat(overview.path("customers")).hasSize(1);
        return overview.path("customers").get(0).path("invoice");
    }
}

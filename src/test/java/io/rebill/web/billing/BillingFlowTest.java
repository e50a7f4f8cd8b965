package io.rebill.web.billing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
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

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Billing in the product, end to end over HTTP: real CUR lines ingested through an MSP integration, rules set in
 * the portal, the automatic bill run, exact drafts, tax, issue with a gapless number, the PDF read back, email to a
 * real SMTP server, void and re-issue, what a customer sees, and period close.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100", "rebill.smtp.from=billing@msp.example"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class BillingFlowTest {
    static final String PASSWORD = "owner-password-123";
    static final String PERIOD = "2026-10";
    private static final AtomicInteger MSPS = new AtomicInteger();
    static final GreenMail MAIL = new GreenMail(ServerSetupTest.SMTP.dynamicPort());

    static {
        MAIL.start();
    }

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

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
        registry.add("rebill.smtp.host", () -> "127.0.0.1");
        registry.add("rebill.smtp.port", () -> MAIL.getSmtp().getPort());
    }

    @AfterAll
    static void stopMail() {
        MAIL.stop();
    }

    /** An MSP with two customers, its payer integration holding October 2026, and a 3 % uplift plus a fee. */
    record World(Account msp, PortalClient owner, String acme, String globex, String integration) {
    }

    World world() {
        String key = "b" + MSPS.incrementAndGet();
        String domain = key + ".example";
        Account msp = accounts.createMsp(key, "Cloud Partner " + key, "owner@" + domain, domain, "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@" + domain, "Ana Lee", Optional.of(PASSWORD), Role.OWNER,
                "test");
        PortalClient owner = PortalClient.signIn(port, "owner@" + domain, PASSWORD);
        String acme = created(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@" + domain))).body().path("id").asString();
        String globex = created(owner.post("/api/v1/managed_accounts", Map.of("name", "Globex",
                "contact_email", "admin+globex@" + domain))).body().path("id").asString();
        TinyCur.write(home.resolve("imports").resolve(msp.id().toString()).resolve("payer/cur.csv"), List.of(
                TinyCur.line("l-ec2-acme", "111111111111", "Usage", "AmazonEC2", "100.00", "120.00"),
                TinyCur.line("l-s3-acme", "111111111111", "Usage", "AmazonS3", "10.005", "10.005"),
                TinyCur.line("l-ec2-globex", "222222222222", "Usage", "AmazonEC2", "50.00", "60.00"),
                TinyCur.line("l-tax-globex", "222222222222", "Tax", "AmazonEC2", "5.00", "5.00"),
                TinyCur.line("l-ec2-nobody", "333333333333", "Usage", "AmazonEC2", "7.00", "7.00")));
        String integration = created(owner.post("/api/v1/integrations", Map.of("provider", "aws",
                "name", "Main payer", "folder", "payer"))).body().path("id").asString();
        link(owner, integration, "111111111111", acme);
        link(owner, integration, "222222222222", globex);
        created(owner.post("/api/v1/billing_rules", Map.of("key", "uplift-3", "title", "Uplift 3 %", "kind", "uplift",
                "percent", "3")));
        created(owner.post("/api/v1/billing_rules", map("key", "fee", "title", "Management fee", "kind", "charge",
                "amount", "100", "frequency", "monthly", "invoice", Map.of("service", "Managed services",
                        "category", "MSP Fee"))));
        for (String customer : List.of(acme, globex)) {
            Response r = owner.put("/api/v1/managed_accounts/" + customer + "/billing_rules",
                    Map.of("rules", List.of("uplift-3", "fee"), "from", PERIOD));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
        }
        return new World(msp, owner, acme, globex, integration);
    }

    @Test
    void anIngestBillsByItselfAndTheDraftsAreExact() {
        World w = world();
        Response ingest = w.owner().post("/api/v1/integrations/" + w.integration() + "/ingest", null);
        assertThat(ingest.status()).as(ingest.text()).isEqualTo(200);
        JsonNode run = awaitSucceeded(w.owner(), r -> true);
        assertThat(run.path("trigger").asString()).isIn("ingest", "configuration");
        assertThat(run.path("reconciles").asBoolean()).isTrue();
        assertThat(run.path("sources").get(0).path("integration").asString()).isEqualTo("Main payer");
        assertThat(run.path("config_hash").asString()).hasSize(64);

        JsonNode overview = ok(w.owner().get("/api/v1/billing/" + PERIOD));
        JsonNode acme = customer(overview, "Acme Corp");
        // cost: 100.00 + 10.005; charge: (100.00 + 10.005) x 1.03 + 100 fee
        assertThat(acme.path("cost").asString()).isEqualTo("110.005");
        assertThat(new java.math.BigDecimal(acme.path("charge").asString())).isEqualByComparingTo("213.30515");
        assertThat(new java.math.BigDecimal(acme.path("margin").asString())).isEqualByComparingTo("103.30015");
        JsonNode globex = customer(overview, "Globex");
        // the uplift's default scope leaves out Tax: 50.00 x 1.03 + 5.00 + 100
        assertThat(new java.math.BigDecimal(globex.path("charge").asString())).isEqualByComparingTo("156.50");
        assertThat(overview.path("unassigned_cost").asString()).isEqualTo("7");
        assertThat(overview.path("reconciles").asBoolean()).isTrue();
        assertThat(acme.path("invoice").path("status").asString()).isEqualTo("draft");

        JsonNode draft = ok(w.owner().get("/api/v1/invoices/" + acme.path("invoice").path("id").asString()));
        // each line rounded once, half-up: EC2 103.00, S3 10.30515 -> 10.31, fee 100.00
        assertThat(lines(draft)).containsExactly("service AmazonEC2 103.00", "service AmazonS3 10.31",
                "charge Managed services 100.00");
        assertThat(draft.path("total").asString()).isEqualTo("213.31");
        assertThat(draft.path("number").isMissingNode() || draft.path("number").isNull()).isTrue();

        // the Billing page's charts: margin by service over both customers (issue 11 item 5), the unassigned
        // account's EC2 (7.00) left out: fee 2 x 100, EC2 3.00 + 1.50 (Tax passes through at cost), S3 0.30015
        JsonNode chart = chart(w.owner().page("/billing/" + PERIOD).body());
        assertThat(chart.path("marginServices").valueStream().map(JsonNode::asString).toList())
                .containsExactly("Managed services", "AmazonEC2", "AmazonS3");
        assertThat(chart.path("serviceMargins").valueStream().map(JsonNode::asString).toList())
                .containsExactly("200.00", "4.50", "0.30");
        assertThat(chart.path("margins").valueStream().map(JsonNode::asString).toList())
                .containsExactly("103.30", "101.50");
        // charge by service: the drafts' rounded lines (Globex's Tax line is an AmazonEC2 line at cost)
        assertThat(chart.path("services").valueStream().map(JsonNode::asString).toList())
                .containsExactly("Managed services", "AmazonEC2", "AmazonS3");
        assertThat(chart.path("charges").valueStream().map(JsonNode::asString).toList())
                .containsExactly("200.00", "159.50", "10.31");
    }

    /** The Billing page's chart data: the JSON in #chart-data's data-chart attribute (charts.js draws it). */
    static JsonNode chart(String html) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("id=\"chart-data\"[^>]*data-chart=\"([^\"]*)\"")
                .matcher(html);
        assertThat(m.find()).as("the page has chart data").isTrue();
        return tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree(org.unbescape.html.HtmlEscape.unescapeHtml(m.group(1)));
    }

    @Test
    void anIssuedInvoiceHasANumberNeverChangesAndReadsBackFromItsPdf() throws Exception {
        World w = world();
        billNow(w);
        Response details = w.owner().put("/api/v1/billing_details/" + w.acme(), map("legal_name", "Acme Corporation Ltd",
                "address", "1 Harbour Street\nBristol BS1 4QA", "tax_id", "GB123456789", "po_number", "PO-7781",
                "payment_terms_days", 14, "tax_rate", "20"));
        assertThat(details.status()).as(details.text()).isEqualTo(200);
        ok(w.owner().put("/api/v1/billing_details/" + w.msp().id(), map("legal_name", "Cloud Partner Ltd",
                "invoice_prefix", "CP")));
        // the changed tax rate is part of the configuration: the draft follows by itself
        JsonNode draft = awaitDraft(w.owner(), w.acme(), d -> d.path("tax").asString().equals("42.66"));
        assertThat(lines(draft)).containsExactly("service AmazonEC2 103.00", "service AmazonS3 10.31",
                "charge Managed services 100.00", "tax Tax 20 % 42.66");
        assertThat(draft.path("total").asString()).isEqualTo("255.97");

        JsonNode issued = ok(w.owner().post("/api/v1/invoices/" + draft.path("id").asString() + "/issue", null));
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(issued.path("status").asString()).isEqualTo("issued");
        assertThat(issued.path("number").asString()).isEqualTo("CP-" + today.getYear() + "-000001");
        assertThat(issued.path("issue_date").asString()).isEqualTo(today.toString());
        assertThat(issued.path("due_date").asString()).isEqualTo(today.plusDays(14).toString());
        assertThat(issued.path("buyer").path("name").asString()).isEqualTo("Acme Corporation Ltd");
        assertThat(issued.path("buyer").path("po_number").asString()).isEqualTo("PO-7781");

        Response again = w.owner().post("/api/v1/invoices/" + issued.path("id").asString() + "/issue", null);
        assertThat(again.status()).as(again.text()).isEqualTo(409);
        assertThat(again.detail()).contains("never changes");
        // the database itself refuses, whatever code asks
        int refused = 0;
        try {
            jdbc.sql("UPDATE invoice_line SET amount = 1 WHERE invoice_id = :id").param("id",
                    java.util.UUID.fromString(issued.path("id").asString())).update();
        } catch (RuntimeException e) {
            refused++;
        }
        assertThat(refused).isEqualTo(1);

        HttpResponse<byte[]> pdf = w.owner().download("/api/v1/invoices/" + issued.path("id").asString() + "/pdf");
        assertThat(pdf.statusCode()).isEqualTo(200);
        assertThat(pdf.headers().firstValue("Content-Type").orElse("")).startsWith("application/pdf");
        String text = pdfText(pdf.body());
        assertThat(text).contains("CP-" + today.getYear() + "-000001", "Acme Corporation Ltd", "GB123456789",
                "PO PO-7781", "AmazonEC2", "USD 103.00", "AmazonS3", "USD 10.31", "Managed services", "USD 100.00",
                "Tax 20 %", "USD 42.66", "Total", "USD 255.97", "Cloud Partner Ltd", "October 2026");

        String number = "CP-" + today.getYear() + "-000001";
        assertThat(pdf.headers().firstValue("Content-Disposition").orElse("")).contains("filename=\"" + number + ".pdf\"");
        HttpResponse<byte[]> csv = w.owner().download("/api/v1/invoices/" + issued.path("id").asString() + "/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElse("")).contains("filename=\"" + number + ".csv\"");
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        String csvText = new String(csv.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(csvText.lines().toList()).contains(
                "CP-" + today.getYear() + "-000001,2026-10,Acme Corp,issued,2,service,AmazonS3,,USD,10.30515,10.31",
                "CP-" + today.getYear() + "-000001,2026-10,Acme Corp,issued,,total,Total,,USD,255.97,255.97");
    }

    @Test
    void aDraftDrillsDownToTheRulesThatChangedItForTheMspOnly() {
        World w = world();
        billNow(w);
        String draft = awaitDraft(w.owner(), w.acme(), d -> true).path("id").asString();
        var page = w.owner().page("/invoices/" + draft + "/rules");
        assertThat(page.statusCode()).isEqualTo(200);
        String html = page.body().replaceAll("\\s+", " ");
        // the uplift moved both of Acme's lines from 110.005 to 113.30515; the fee added 100.00
        assertThat(html).contains("data-rule=\"uplift-3\"", "2 lines", "USD 110.01", "USD 113.31", "USD 3.30",
                "data-rule=\"fee\"", "added line", "USD 100.00", "AmazonEC2", "AmazonS3");
        Account acme = accounts.find(java.util.UUID.fromString(w.acme())).orElseThrow();
        users.addMember(acme.id(), AccountKind.CUSTOMER, "cfo@drill-" + w.msp().key() + ".example", "CFO",
                Optional.of(PASSWORD), Role.OWNER, "test");
        PortalClient cfo = PortalClient.signIn(port, "cfo@drill-" + w.msp().key() + ".example", PASSWORD);
        assertThat(cfo.page("/invoices/" + draft + "/rules").statusCode()).isIn(403, 404);

        // the same drill-down in the API, exact
        JsonNode effects = ok(w.owner().get("/api/v1/invoices/" + draft + "/rule_effects?top=5"));
        assertThat(effects.path("cost").asString()).isEqualTo("110.005");
        assertThat(effects.path("charge").asString()).isEqualTo("213.30515");
        assertThat(effects.path("rules").valueStream().map(r -> r.path("id").asString() + " " + r.path("lines").asLong()
                + " " + r.path("before").asString() + " -> " + r.path("after").asString()).toList())
                .containsExactly("uplift-3 2 110.005 -> 113.30515", "fee 0 0 -> 100");
        assertThat(effects.path("lines").size()).isEqualTo(2);
        assertThat(cfo.get("/api/v1/invoices/" + draft + "/rule_effects").status()).isEqualTo(403);
        assertThat(w.owner().get("/api/v1/invoices/" + draft + "/rule_effects?top=500").status()).isEqualTo(400);
    }

    @Test
    void theInvoiceListFiltersByTheCustomersNameInItsQuery() {
        World w = world();
        billNow(w);
        awaitDraft(w.owner(), w.globex(), d -> true);
        String html = w.owner().page("/invoices?customer=GLOB").body();
        assertThat(html).contains("data-customer=\"Globex\"", "1 invoice(s)").doesNotContain("Acme Corp");
        assertThat(w.owner().page("/invoices").body()).contains("data-customer=\"Acme Corp\"", "2 invoice(s)");
    }

    @Test
    void anIssuedInvoiceIsSentByEmailWithItsPdfAndTheSendIsRecorded() throws Exception {
        World w = world();
        billNow(w);
        JsonNode draft = awaitDraft(w.owner(), w.globex(), d -> true);
        JsonNode issued = ok(w.owner().post("/api/v1/invoices/" + draft.path("id").asString() + "/issue", null));
        String number = issued.path("number").asString();
        JsonNode sent = ok(w.owner().post("/api/v1/invoices/" + issued.path("id").asString() + "/send",
                Map.of("to", "ap@globex.example")));
        assertThat(sent.path("recipient").asString()).isEqualTo("ap@globex.example");
        assertThat(MAIL.waitForIncomingEmail(10_000, 1)).isTrue();
        MimeMessage message = null;
        for (MimeMessage m : MAIL.getReceivedMessages()) {
            if (GreenMailUtil.getAddressList(m.getAllRecipients()).contains("ap@globex.example")) {
                message = m;
            }
        }
        assertThat(message).as("a message to ap@globex.example").isNotNull();
        assertThat(message.getSubject()).contains(number);
        MimeMultipart parts = (MimeMultipart) message.getContent();
        byte[] attachment = null;
        for (int i = 0; i < parts.getCount(); i++) {
            if ((number + ".pdf").equals(parts.getBodyPart(i).getFileName())) {
                attachment = parts.getBodyPart(i).getInputStream().readAllBytes();
            }
        }
        assertThat(attachment).as("the PDF attached as " + number + ".pdf").isNotNull();
        assertThat(pdfText(attachment)).contains(number, "Total", "USD 156.50");
        assertThat(jdbc.sql("SELECT count(*) FROM invoice_delivery WHERE invoice_id = :id AND error IS NULL")
                .param("id", java.util.UUID.fromString(issued.path("id").asString())).query(Long.class).single())
                .isEqualTo(1L);
        Response draftSend = w.owner().post("/api/v1/invoices/" + awaitAnyDraft(w).path("id").asString() + "/send", null);
        assertThat(draftSend.status()).isEqualTo(409);
    }

    @Test
    void aVoidedInvoiceKeepsItsNumberAndReBillingIssuesANewOne() {
        World w = world();
        billNow(w);
        JsonNode first = ok(w.owner().post("/api/v1/invoices/" + awaitDraft(w.owner(), w.acme(), d -> true)
                .path("id").asString() + "/issue", null));
        Response voidDraft = w.owner().post("/api/v1/invoices/" + awaitDraft(w.owner(), w.globex(), d -> true)
                .path("id").asString() + "/void", Map.of("reason", "wrong"));
        assertThat(voidDraft.status()).as(voidDraft.text()).isEqualTo(409);
        JsonNode voided = ok(w.owner().post("/api/v1/invoices/" + first.path("id").asString() + "/void",
                Map.of("reason", "PO number was missing")));
        assertThat(voided.path("status").asString()).isEqualTo("void");
        assertThat(voided.path("number").asString()).isEqualTo(first.path("number").asString());
        JsonNode redraft = awaitDraft(w.owner(), w.acme(), d -> !d.path("id").asString().equals(first.path("id").asString()));
        JsonNode second = ok(w.owner().post("/api/v1/invoices/" + redraft.path("id").asString() + "/issue", null));
        assertThat(second.path("number").asString()).endsWith("-000002");
        assertThat(second.path("total").asString()).isEqualTo(first.path("total").asString());
        JsonNode list = ok(w.owner().get("/api/v1/invoices?customer=" + w.acme()));
        assertThat(list.path("items").findValuesAsString("status")).containsExactlyInAnyOrder("void", "issued");
    }

    @Test
    void aCustomerSeesItsOwnIssuedInvoicesOnlyAndNoneOfTheMspsFigures() {
        World w = world();
        billNow(w);
        JsonNode issued = ok(w.owner().post("/api/v1/invoices/" + awaitDraft(w.owner(), w.acme(), d -> true)
                .path("id").asString() + "/issue", null));
        JsonNode globexDraft = awaitDraft(w.owner(), w.globex(), d -> true);
        Account acme = accounts.find(java.util.UUID.fromString(w.acme())).orElseThrow();
        users.addMember(acme.id(), AccountKind.CUSTOMER, "cfo@acme-" + w.msp().key() + ".example", "Acme CFO",
                Optional.of(PASSWORD), Role.OWNER, "test");
        PortalClient cfo = PortalClient.signIn(port, "cfo@acme-" + w.msp().key() + ".example", PASSWORD);
        JsonNode mine = ok(cfo.get("/api/v1/invoices"));
        assertThat(mine.path("items").findValuesAsString("id")).containsExactly(issued.path("id").asString());
        assertThat(mine.toString()).doesNotContain("\"cost\"", "margin", "Globex");
        assertThat(cfo.get("/api/v1/invoices/" + globexDraft.path("id").asString()).status()).isEqualTo(404);
        assertThat(cfo.get("/api/v1/billing/" + PERIOD).status()).isEqualTo(403);
        assertThat(cfo.get("/api/v1/bill_runs").status()).isEqualTo(403);
        assertThat(cfo.post("/api/v1/bill_runs", Map.of("period", PERIOD)).status()).isEqualTo(403);
        assertThat(cfo.download("/api/v1/invoices/" + issued.path("id").asString() + "/pdf").statusCode())
                .isEqualTo(200);
        // the MSP's Editor sees none of billing (seed: an MSP action on managed accounts)
        users.addMember(w.msp().id(), AccountKind.MSP, "editor@" + w.msp().key() + ".example", "Ed", Optional.of(PASSWORD),
                Role.EDITOR, "test");
        PortalClient editor = PortalClient.signIn(port, "editor@" + w.msp().key() + ".example", PASSWORD);
        assertThat(editor.get("/api/v1/invoices").status()).isEqualTo(403);
        assertThat(editor.post("/api/v1/invoices/" + globexDraft.path("id").asString() + "/issue", null).status())
                .isEqualTo(403);
    }

    @Test
    void aPeriodClosesOnceEveryInvoiceIsIssuedAndThenNeverChanges() {
        World w = world();
        billNow(w);
        String acme = awaitDraft(w.owner(), w.acme(), d -> true).path("id").asString();
        String globex = awaitDraft(w.owner(), w.globex(), d -> true).path("id").asString();
        ok(w.owner().post("/api/v1/invoices/" + acme + "/issue", null));
        Response early = w.owner().post("/api/v1/billing/" + PERIOD + "/close", null);
        assertThat(early.status()).as(early.text()).isEqualTo(409);
        assertThat(early.detail()).contains("Globex");
        ok(w.owner().post("/api/v1/invoices/" + globex + "/issue", null));
        JsonNode closed = ok(w.owner().post("/api/v1/billing/" + PERIOD + "/close", null));
        assertThat(closed.path("closed").asBoolean()).isTrue();
        assertThat(w.owner().post("/api/v1/bill_runs", Map.of("period", PERIOD)).status()).isEqualTo(409);
        assertThat(w.owner().post("/api/v1/invoices/" + acme + "/void", null).status()).isEqualTo(409);
    }

    @Test
    void runsRequestedAtOnceJoinAndNeverRunSideBySide() throws Exception {
        World w = world();
        ok(w.owner().post("/api/v1/integrations/" + w.integration() + "/ingest", null));
        awaitSucceeded(w.owner(), r -> true);
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> w.owner().post("/api/v1/bill_runs", Map.of("period", PERIOD))));
        }
        List<String> ids = new ArrayList<>();
        int maxRunning = 0;
        for (CompletableFuture<Response> call : calls) {
            Response r = call.get();
            assertThat(r.status()).as(r.text()).isEqualTo(202);
            ids.add(r.body().path("id").asString());
        }
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode runs = ok(w.owner().get("/api/v1/bill_runs?period=" + PERIOD));
            int running = (int) runs.path("items").findValuesAsString("status").stream().filter("running"::equals).count();
            maxRunning = Math.max(maxRunning, running);
            if (runs.path("items").findValuesAsString("status").stream().allMatch(s -> s.equals("succeeded"))) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(maxRunning).as("runs of one MSP at the same time").isLessThanOrEqualTo(1);
        // six requests while at most one waits: they join queued runs, so fewer runs than requests
        assertThat(ids.stream().distinct().count()).isLessThan(6);
        JsonNode runs = ok(w.owner().get("/api/v1/bill_runs?period=" + PERIOD));
        assertThat(runs.path("items").findValuesAsString("status")).allMatch("succeeded"::equals);
    }

    // ---- helpers ----

    private void billNow(World w) {
        ok(w.owner().post("/api/v1/integrations/" + w.integration() + "/ingest", null));
        awaitSucceeded(w.owner(), r -> true);
    }

    private static JsonNode awaitSucceeded(PortalClient owner, java.util.function.Predicate<JsonNode> which) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            JsonNode runs = ok(owner.get("/api/v1/bill_runs?period=" + PERIOD));
            for (JsonNode run : runs.path("items")) {
                last = run;
                if (run.path("status").asString().equals("failed")) {
                    throw new AssertionError("bill run failed: " + run);
                }
            }
            boolean busy = runs.path("items").findValuesAsString("status").stream()
                    .anyMatch(s -> s.equals("queued") || s.equals("running"));
            for (JsonNode run : runs.path("items")) {
                if (!busy && run.path("status").asString().equals("succeeded") && which.test(run)) {
                    return run;
                }
            }
            sleep();
        }
        throw new AssertionError("no bill run succeeded in 60 s; last: " + last);
    }

    private static JsonNode awaitDraft(PortalClient owner, String customer, java.util.function.Predicate<JsonNode> which) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (JsonNode i : ok(owner.get("/api/v1/invoices?status=draft&customer=" + customer)).path("items")) {
                if (which.test(i)) {
                    return i;
                }
            }
            sleep();
        }
        throw new AssertionError("no such draft of " + customer + " within 60 s");
    }

    private static JsonNode awaitAnyDraft(World w) {
        return awaitDraft(w.owner(), w.acme(), d -> true);
    }

    static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode customer(JsonNode overview, String name) {
        for (JsonNode c : overview.path("customers")) {
            if (c.path("name").asString().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no customer " + name + " in " + overview);
    }

    /** An invoice's lines as "kind description amount", as a person reads them. */
    static List<String> lines(JsonNode invoice) {
        List<String> lines = new ArrayList<>();
        invoice.path("lines").forEach(l -> lines.add(l.path("kind").asString() + " " + l.path("description").asString()
                + " " + l.path("amount").asString()));
        return lines;
    }

    static String pdfText(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(document);
        }
    }

    private void link(PortalClient owner, String integration, String sub, String customer) {
        Response r = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/" + sub,
                Map.of("customer_account_id", customer, "from", PERIOD));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
}

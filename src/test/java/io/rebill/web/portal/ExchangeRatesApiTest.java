package io.rebill.web.portal;

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

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 6 in the product: an MSP billing in USD with billing data in EUR. Without the rate the bill run fails
 * naming the rate to enter; with it the drafts are exact in USD; a changed rate bills again; a removed rate fails the
 * run and keeps the previous drafts. Every expected amount is worked out in a comment.
 */
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ExchangeRatesApiTest {
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
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    record World(PortalClient owner, String acme, String integration, String key) {
    }

    /** An MSP in USD, customer Acme on account 111111111111, whose October 2026 lines are in EUR. */
    World world() {
        String key = "fx" + MSPS.incrementAndGet();
        String domain = key + ".example";
        Account msp = accounts.createMsp(key, "Euro Partner " + key, "owner@" + domain, domain, "USD", "test");
        users.addMember(msp.id(), AccountKind.MSP, "owner@" + domain, "Ana Lee", Optional.of(PASSWORD), Role.OWNER,
                "test");
        PortalClient owner = PortalClient.signIn(port, "owner@" + domain, PASSWORD);
        String acme = created(owner.post("/api/v1/managed_accounts", Map.of("name", "Acme Corp",
                "contact_email", "admin+acme@" + domain))).body().path("id").asString();
        TinyCur.write(home.resolve("imports").resolve(msp.id().toString()).resolve("payer/cur.csv"), List.of(
                euro(TinyCur.line("l-ec2", "111111111111", "Usage", "AmazonEC2", "100.00", "120.00")),
                euro(TinyCur.line("l-s3", "111111111111", "Usage", "AmazonS3", "10.005", "10.005"))));
        String integration = created(owner.post("/api/v1/integrations", Map.of("provider", "aws",
                "name", "Euro payer", "folder", "payer"))).body().path("id").asString();
        Response linked = owner.put("/api/v1/integrations/" + integration + "/linked_accounts/111111111111",
                Map.of("customer_account_id", acme, "from", PERIOD));
        assertThat(linked.status()).as(linked.text()).isEqualTo(200);
        String acmeKey = ok(owner.get("/api/v1/managed_accounts/" + acme)).path("key").asString();
        return new World(owner, acme, integration, acmeKey);
    }

    /** The same line with lineItem/CurrencyCode EUR. */
    private static List<String> euro(List<String> line) {
        List<String> l = new ArrayList<>(line);
        l.set(16, "EUR");
        return l;
    }

    @Test
    void aEuroSourceBillsInDollarsAtTheMspsRateAndARateChangeBillsAgain() {
        World w = world();
        ok(w.owner().post("/api/v1/integrations/" + w.integration() + "/ingest", null));
        JsonNode failed = awaitIdle(w.owner());
        assertThat(failed.path("status").asString()).isEqualTo("failed");
        assertThat(failed.path("error").asString()).contains("enter the rate from EUR to USD for 2026-10");
        assertThat(drafts(w)).isEmpty();

        Response put = w.owner().put("/api/v1/exchange_rates/EUR/" + PERIOD, Map.of("rate", "1.0825"));
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.body().path("rate").asString()).isEqualTo("1.0825");
        assertThat(put.body().path("to_currency").asString()).isEqualTo("USD");
        JsonNode run = awaitIdle(w.owner());
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
        assertThat(run.path("trigger").asString()).isEqualTo("configuration");
        // EC2 100.00 EUR x 1.0825 = 108.25 USD; S3 10.005 x 1.0825 = 10.8304125 -> 10.83; total 119.08
        JsonNode draft = onlyDraft(w);
        assertThat(draft.path("currency").asString()).isEqualTo("USD");
        assertThat(lines(draft)).containsExactly("service AmazonEC2 108.25", "service AmazonS3 10.83");
        assertThat(draft.path("total").asString()).isEqualTo("119.08");

        ok(w.owner().put("/api/v1/exchange_rates/EUR/" + PERIOD, Map.of("rate", "1.10")));
        assertThat(awaitIdle(w.owner()).path("status").asString()).isEqualTo("succeeded");
        // 100.00 x 1.10 = 110.00; 10.005 x 1.10 = 11.0055 -> 11.01; total 121.01
        JsonNode again = onlyDraft(w);
        assertThat(lines(again)).containsExactly("service AmazonEC2 110.00", "service AmazonS3 11.01");
        assertThat(again.path("total").asString()).isEqualTo("121.01");
        // a rule's dry run converts at the same rate: a 10 % uplift of 110.00 + 11.0055 = 121.0055 USD
        Response preview = w.owner().post("/api/v1/billing_rules/preview", map(
                "rules", List.of(map("key", "fx-up", "title", "Uplift 10 %", "kind", "uplift", "percent", "10")),
                "account_rules", List.of(map("customer", w.key(), "rules", List.of("fx-up")))));
        assertThat(preview.status()).as(preview.text()).isEqualTo(200);
        JsonNode acme = preview.body().path("customers").get(0);
        assertThat(new BigDecimal(acme.path("charge_before").asString())).isEqualByComparingTo("121.0055");
        assertThat(new BigDecimal(acme.path("charge_after").asString())).isEqualByComparingTo("133.10605");

        // without the rate the run fails with the reason and the drafts stay as the last good run left them
        Response removed = w.owner().delete("/api/v1/exchange_rates/EUR/" + PERIOD, null);
        assertThat(removed.status()).as(removed.text()).isEqualTo(204);
        JsonNode refused = awaitIdle(w.owner());
        assertThat(refused.path("status").asString()).isEqualTo("failed");
        assertThat(refused.path("error").asString()).contains("EUR", "2026-10", "Exchange Rates");
        assertThat(onlyDraft(w).path("total").asString()).isEqualTo("121.01");

        JsonNode audit = ok(w.owner().get("/api/v1/audit_logs?limit=200"));
        List<String> sentences = new ArrayList<>();
        audit.path("items").forEach(e -> sentences.add(e.path("sentence").asString()));
        assertThat(sentences).contains("Ana Lee set the exchange rate of EUR for October 2026 to 1.0825 USD",
                "Ana Lee set the exchange rate of EUR for October 2026 to 1.1 USD",
                "Ana Lee removed the exchange rate of EUR for October 2026");
    }

    @Test
    void badRatesAreRefusedNamingTheField() {
        World w = world();
        Response zero = w.owner().put("/api/v1/exchange_rates/EUR/" + PERIOD, Map.of("rate", "0"));
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.detail()).contains("rate of EUR for 2026-10 must be a decimal above 0");
        Response own = w.owner().put("/api/v1/exchange_rates/USD/" + PERIOD, Map.of("rate", "1"));
        assertThat(own.status()).isEqualTo(400);
        assertThat(own.detail()).contains("USD is the MSP's own billing currency");
        Response code = w.owner().put("/api/v1/exchange_rates/euro/" + PERIOD, Map.of("rate", "1.1"));
        assertThat(code.status()).isEqualTo(400);
        assertThat(code.detail()).contains("from_currency 'euro' is not an ISO 4217 currency code");
        Response places = w.owner().put("/api/v1/exchange_rates/EUR/" + PERIOD, Map.of("rate", "1.12345678901"));
        assertThat(places.status()).isEqualTo(400);
        assertThat(places.detail()).contains("more than 10 decimal places");
        assertThat(ok(w.owner().get("/api/v1/exchange_rates")).path("rates").size()).isZero();
    }

    @Test
    void theRunPinsTheRateItUsedAndTheCliBillsThePinnedMspYamlToTheSameAmounts() throws Exception {
        World w = world();
        ok(w.owner().put("/api/v1/exchange_rates/EUR/" + PERIOD, Map.of("rate", "1.0825")));
        ok(w.owner().put("/api/v1/exchange_rates/EUR/2026-09", Map.of("rate", "0.9")));
        ok(w.owner().post("/api/v1/integrations/" + w.integration() + "/ingest", null));
        JsonNode run = awaitIdle(w.owner());
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("succeeded");
        JsonNode draft = onlyDraft(w);

        String pinned = jdbc.sql("SELECT config_yaml FROM bill_run WHERE id = :id")
                .param("id", java.util.UUID.fromString(run.path("id").asString())).query(String.class).single();
        // the run's msp.yaml names the rate its bill used, and only the rates of its period
        assertThat(io.rebill.rules.config.MspConfigFile.parse("pinned", pinned, e -> { }).exchangeRates().rates())
                .containsExactly(new io.rebill.shared.money.ExchangeRates.Rate("EUR", io.rebill.shared.time.BillingPeriod
                        .parse(PERIOD), new java.math.BigDecimal("1.0825")));
        assertThat(pinned).contains("exchange_rates:").doesNotContain("2026-09");

        // the CLI bills the same EUR file with the pinned msp.yaml: the same amounts as the draft
        Path config = java.nio.file.Files.writeString(home.resolve("pinned-msp.yaml"), pinned);
        Path out = home.resolve("cli-out");
        var stdout = new java.io.StringWriter();
        var stderr = new java.io.StringWriter();
        int exit = io.rebill.cli.RebillCommand.execute(new java.io.PrintWriter(stdout, true),
                new java.io.PrintWriter(stderr, true), "--data-dir", home.resolve("cli-home").toString(), "bill",
                "--config", config.toString(), "--period", PERIOD, "--out", out.toString(), curOf(w).toString());
        assertThat(exit).as(stderr.toString()).isZero();
        List<String> summary = java.nio.file.Files.readAllLines(out.resolve("summary.csv"));
        assertThat(summary).hasSize(2);
        assertThat(summary.get(1)).endsWith("," + draft.path("total").asString() + ",USD");
        assertThat(draft.path("total").asString()).isEqualTo("119.08");
        List<String> cliLines = java.nio.file.Files.readAllLines(out.resolve("invoices").resolve(
                summary.get(1).substring(0, summary.get(1).indexOf(',')) + ".csv")).stream().skip(1)
                .map(l -> l.split(",")).map(f -> f[2] + " " + f[3] + " " + f[6]).toList();
        assertThat(cliLines).containsExactlyElementsOf(lines(draft));

        // without exchange_rates the CLI refuses the EUR lines, naming the rate to enter
        String withoutRates = pinned.substring(0, pinned.indexOf("exchange_rates:"));
        Path bare = java.nio.file.Files.writeString(home.resolve("bare-msp.yaml"), withoutRates);
        var refusal = new java.io.StringWriter();
        int refused = io.rebill.cli.RebillCommand.execute(new java.io.PrintWriter(new java.io.StringWriter(), true),
                new java.io.PrintWriter(refusal, true), "--data-dir", home.resolve("cli-home").toString(), "bill",
                "--config", bare.toString(), "--period", PERIOD, "--out", home.resolve("cli-bare").toString(),
                curOf(w).toString());
        assertThat(refused).isNotZero();
        assertThat(refusal.toString()).contains("EUR", "2026-10");
    }

    @Test
    void mspYamlCarriesTheRatesExportImportExportIsIdenticalAndAnImportReplacesThem() {
        World w = world();
        ok(w.owner().put("/api/v1/exchange_rates/EUR/" + PERIOD, Map.of("rate", "1.0825")));
        ok(w.owner().put("/api/v1/exchange_rates/GBP/2026-09", Map.of("rate", "1.2712")));
        String first = w.owner().get("/api/v1/billing_config?period=" + PERIOD).text();
        assertThat(first).contains("exchange_rates:", "from: EUR", "period: 2026-10", "rate: 1.0825", "from: GBP",
                "rate: 1.2712");

        Response imported = w.owner().put("/api/v1/billing_config?period=" + PERIOD, Map.of("yaml", first));
        assertThat(imported.status()).as(imported.text()).isEqualTo(200);
        assertThat(w.owner().get("/api/v1/billing_config?period=" + PERIOD).text()).isEqualTo(first);

        // billing as code: the file's rates replace the MSP's (GBP left out is removed, EUR changed)
        String changed = first.replace("rate: 1.0825", "rate: 1.09").replaceAll(
                "(?m)^  - from: GBP\\n    period: '?2026-09'?\\n    rate: 1.2712\\n", "");
        assertThat(changed).doesNotContain("GBP");
        Response replaced = w.owner().put("/api/v1/billing_config?period=" + PERIOD, Map.of("yaml", changed));
        assertThat(replaced.status()).as(replaced.text()).isEqualTo(200);
        List<String> rates = new ArrayList<>();
        ok(w.owner().get("/api/v1/exchange_rates")).path("rates").forEach(r -> rates.add(r.path("from_currency")
                .asString() + " " + r.path("period").asString() + " " + r.path("rate").asString()));
        assertThat(rates).containsExactly("EUR 2026-10 1.09");

        Response own = w.owner().put("/api/v1/billing_config?period=" + PERIOD, Map.of("yaml",
                changed.replace("from: EUR", "from: USD")));
        assertThat(own.status()).isEqualTo(400);
        assertThat(own.text()).contains("USD is the MSP's own currency");
    }

    /** The EUR CUR file the world's integration reads. */
    private Path curOf(World w) {
        String msp = jdbc.sql("SELECT account_id FROM integration WHERE id = :id")
                .param("id", java.util.UUID.fromString(w.integration())).query(String.class).single();
        return home.resolve("imports").resolve(msp).resolve("payer/cur.csv");
    }

    private static List<String> lines(JsonNode invoice) {
        List<String> lines = new ArrayList<>();
        invoice.path("lines").forEach(l -> lines.add(l.path("kind").asString() + " " + l.path("description").asString()
                + " " + l.path("amount").asString()));
        return lines;
    }

    private List<JsonNode> drafts(World w) {
        List<JsonNode> out = new ArrayList<>();
        ok(w.owner().get("/api/v1/invoices?status=draft&customer=" + w.acme())).path("items").forEach(out::add);
        return out;
    }

    private JsonNode onlyDraft(World w) {
        List<JsonNode> drafts = drafts(w);
        assertThat(drafts).hasSize(1);
        return ok(w.owner().get("/api/v1/invoices/" + drafts.getFirst().path("id").asString()));
    }

    /** Waits until no run of the period is queued or running; returns the newest run. */
    static JsonNode awaitIdle(PortalClient owner) {
        long deadline = System.nanoTime() + 90_000_000_000L;
        JsonNode newest = null;
        while (System.nanoTime() < deadline) {
            sleep(300);
            JsonNode runs = ok(owner.get("/api/v1/bill_runs?period=" + PERIOD));
            boolean busy = runs.path("items").findValuesAsString("status").stream()
                    .anyMatch(s -> s.equals("queued") || s.equals("running"));
            if (!busy && runs.path("items").size() > 0) {
                newest = runs.path("items").get(0);
                return newest;
            }
        }
        throw new AssertionError("bill runs still busy after 90 s");
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package io.rebill.cli;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.ingestion.Ingestion;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;
import io.rebill.shared.time.BillingPeriod;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * `rebill bench --what drafts`: the generated month ingested through an integration of the real server, then the
 * time from the end of the ingest call to drafts ready (the automatic run succeeded and the period's draft invoices
 * number the customers). Each run starts from a fresh server home: its first start (the bootstrap `rebill demo`
 * uses, over a small setup month 2026-09 of the same accounts) makes the customers managed accounts and imports the
 * 7-rule workflow as msp.yaml; the rest goes through the HTTP API: a new integration whose folder holds the month
 * (a hard link to the generated file), its 1,000 linked accounts billed to the customers from 2026-10, the ingest.
 */
final class DraftsBench {
    static final BillingPeriod SETUP = BillingPeriod.parse("2026-09");
    static final String MONTH = "2026-10";

    /**
     * What one run measured: the ingest call, ingest end to drafts ready (the run committed them: every customer's
     * draft listed by the API), ingest end to the cost figures committed (the run succeeded), and the run's own time.
     */
    record Result(double ingestSeconds, double draftsSeconds, double figuresSeconds, long runTookMs, long drafts,
                  long lines) {
    }

    private final Path dir;
    private final PrintWriter log;
    /** What runs against the server once the drafts are ready, before it stops (`bench --what lines`). */
    private Then then = (server, http, customers) -> { };

    interface Then {
        void run(BenchServer server, HttpClient http, Map<String, String> customerIds) throws Exception;
    }

    DraftsBench then(Then then) {
        this.then = then;
        return this;
    }

    DraftsBench(Path dir, PrintWriter log) {
        this.dir = dir;
        this.log = log;
    }

    Result run(RebillSettings parent, Path month, Path accountsCsv) throws Exception {
        Path home = dir.resolve("home");
        Path imports = dir.resolve("imports");
        Trees.delete(home);
        Trees.delete(imports);
        RebillSettings settings = new RebillSettings(home, parent.memoryLimit(), parent.threads());
        List<DemoAccount> accounts = BenchWorkflow.accounts(accountsCsv);
        GeneratedFiles setup = new BillingDataGenerator().generate(new GeneratorSpec(7, 2_000, 10, 2,
                List.of(YearMonth.of(2026, 9)), GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID, 2_000), dir.resolve("setup"),
                EnumSet.of(Format.CUR_PARQUET), settings);
        new Ingestion(settings).ingest("setup", setup.paths(), p -> { });
        Path yaml = Files.writeString(dir.resolve("msp.yaml"), MspConfigFile.toYaml(BenchWorkflow.config(accounts, SETUP)));
        String password = "bench-" + UUID.randomUUID();
        say("starting the server on %s (log %s)", home, dir.resolve("server.log"));
        try (BenchServer server = BenchServer.start(home, dir.resolve("server.log"), password,
                List.of("--bootstrap-source", "setup", "--bootstrap-config", yaml.toString()),
                List.of("-Drebill.integrations.root=" + imports), Duration.ofMinutes(20))) {
            HttpClient http = server.signIn(password);
            String csrf = server.csrf(http);
            String msp = server.call(http, null, "GET", "/api/v1/me", null, 200).path("account").path("id").asString();
            Path folder = Files.createDirectories(imports.resolve(msp).resolve("month"));
            // the same file the CLI bill's source ingested; a hard link, so that 0.5-1 GB is not copied
            Files.createLink(folder.resolve(month.getFileName()), month);
            JsonNode integration = server.call(http, csrf, "POST", "/api/v1/integrations",
                    Map.of("provider", "aws", "name", "Payer (bench month)", "folder", "month"), 201);
            String id = integration.path("id").asString();
            Map<String, String> customerIds = new HashMap<>();
            for (JsonNode a : server.call(http, null, "GET", "/api/v1/managed_accounts?limit=200", null, 200).path("items")) {
                // the generator's customer ids are the accounts' keys (their names are company names since issue 11)
                customerIds.put(a.path("key").asString(), a.path("id").asString());
                customerIds.putIfAbsent(a.path("name").asString(), a.path("id").asString());
            }
            say("assigning %,d linked accounts to %d customers on the new integration", accounts.size(),
                    new java.util.HashSet<>(customerIds.values()).size());
            for (DemoAccount a : accounts) {
                String customer = customerIds.get(a.customer());
                if (customer == null) {
                    throw new RebillException(ErrorCode.STORAGE_FAILED, "no managed account named " + a.customer());
                }
                server.call(http, csrf, "PUT", "/api/v1/integrations/" + id + "/linked_accounts/" + a.accountId(),
                        Map.of("customer_account_id", customer, "from", MONTH), 200);
            }
            awaitIdle(server, http);
            say("ingesting %s through the integration", month.getFileName());
            long started = System.nanoTime();
            server.call(http, csrf, "POST", "/api/v1/integrations/" + id + "/ingest", null, 200);
            long ingested = System.nanoTime();
            int expected = new java.util.HashSet<>(customerIds.values()).size();
            long draftsReady = 0;
            long drafts = 0;
            while (true) {
                JsonNode runs = server.call(http, null, "GET", "/api/v1/bill_runs?period=" + MONTH, null, 200).path("items");
                JsonNode latest = runs.isEmpty() ? null : runs.get(0);
                String status = latest == null ? "none" : latest.path("status").asString();
                if (status.equals("failed")) {
                    throw new RebillException(ErrorCode.STORAGE_FAILED, "the automatic run failed: " + latest.path("error").asString());
                }
                boolean drafted = latest != null && !latest.path("drafts_ready_at").isNull()
                        && !latest.path("drafts_ready_at").isMissingNode();
                if (draftsReady == 0 && drafted) {
                    drafts = server.call(http, null, "GET", "/api/v1/invoices?period=" + MONTH + "&status=draft&limit=1",
                            null, 200).path("total").asLong();
                    if (drafts == expected) {
                        draftsReady = System.nanoTime();
                    }
                }
                if (draftsReady != 0 && status.equals("succeeded")) {
                    long ready = System.nanoTime();
                    then.run(server, http, customerIds);
                    return new Result((ingested - started) / 1e9, (draftsReady - ingested) / 1e9, (ready - ingested) / 1e9,
                            latest.path("took_ms").asLong(), drafts, latest.path("line_count").asLong());
                }
                if (System.nanoTime() - ingested > Duration.ofMinutes(30).toNanos()) {
                    throw new RebillException(ErrorCode.STORAGE_FAILED, "no drafts after 30 minutes; last run " + latest);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits until no bill run is queued or running (assigning accounts asks for runs of the open periods). */
    private void awaitIdle(BenchServer server, HttpClient http) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            boolean busy = false;
            for (JsonNode run : server.call(http, null, "GET", "/api/v1/bill_runs?limit=50", null, 200).path("items")) {
                String status = run.path("status").asString();
                busy |= status.equals("queued") || status.equals("running");
            }
            if (!busy) {
                return;
            }
            Thread.sleep(500);
        }
        throw new RebillException(ErrorCode.STORAGE_FAILED, "bill runs still busy after 10 minutes before the ingest");
    }

    private void say(String format, Object... args) {
        log.printf(format + "%n", args);
        log.flush();
    }
}

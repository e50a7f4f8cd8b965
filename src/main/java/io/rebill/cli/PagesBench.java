package io.rebill.cli;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.ingestion.Ingestion;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * `rebill bench --what pages`: the billing page and the invoice list served over loopback HTTP with 200 customers x
 * 24 billed periods. The months are generated small, ingested as source `bench`, and the real server's first start
 * (its bootstrap, as `rebill demo` uses it) makes the customers managed accounts, imports the 7-rule workflow and
 * bills every period inside the application (all but the last issued and closed); the data is kept for later runs.
 */
final class PagesBench {
    static final String SOURCE = "bench";
    static final List<YearMonth> PERIODS = periods(YearMonth.of(2024, 11), 24);

    private final Path dir;
    private final long rowsPerMonth;
    private final int accounts;
    private final int customers;
    private final PrintWriter log;

    PagesBench(Path dir, long rowsPerMonth, int accounts, int customers, PrintWriter log) {
        this.dir = dir.resolve("pages-" + rowsPerMonth + "-" + accounts + "-" + customers);
        this.rowsPerMonth = rowsPerMonth;
        this.accounts = accounts;
        this.customers = customers;
        this.log = log;
    }

    /** The generated months ingested as source {@value #SOURCE}, and the workflow's msp.yaml (kept for later runs). */
    record Prepared(Path home, Path yaml) {
        /** The server's first start makes this data the MSP's integration and bills every period. */
        List<String> bootstrapArgs() {
            return List.of("--bootstrap-source", SOURCE, "--bootstrap-config", yaml.toString());
        }
    }

    Prepared prepare(RebillSettings parent) throws Exception {
        Path home = dir.resolve("home");
        Path yaml = dir.resolve("msp.yaml");
        if (!Files.exists(yaml)) {
            RebillSettings settings = new RebillSettings(home, parent.memoryLimit(), parent.threads());
            say("generating %,d line items a month for %d months, %d customers", rowsPerMonth, PERIODS.size(), customers);
            GeneratedFiles files = new BillingDataGenerator().generate(new GeneratorSpec(7, rowsPerMonth, accounts, customers,
                    PERIODS, GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID, rowsPerMonth), dir.resolve("data"),
                    EnumSet.of(Format.CUR_PARQUET), settings);
            new Ingestion(settings).ingest(SOURCE, files.paths(), p -> { });
            List<DemoAccount> demo = files.accounts();
            Files.writeString(yaml, MspConfigFile.toYaml(BenchWorkflow.config(demo, new BillingPeriod(PERIODS.getFirst()))));
        }
        return new Prepared(home, yaml);
    }

    List<LoadTest.Result> run(RebillSettings parent, int clients, int warmUp, int requests) throws Exception {
        Prepared prepared = prepare(parent);
        Path home = prepared.home();
        String password = "bench-" + UUID.randomUUID();
        say("starting the server on %s (the first start bills the %d periods; log %s)", home, PERIODS.size(),
                dir.resolve("server.log"));
        long started = System.nanoTime();
        try (BenchServer server = BenchServer.start(home, dir.resolve("server.log"), password,
                prepared.bootstrapArgs(), List.of(), Duration.ofMinutes(30))) {
            say("server ready after %.1f s", (System.nanoTime() - started) / 1e9);
            HttpClient http = server.signIn(password);
            String last = PERIODS.getLast().toString();
            List<LoadTest.Result> results = new ArrayList<>();
            record Endpoint(String name, java.util.function.IntFunction<String> path) {
            }
            List<Endpoint> endpoints = List.of(
                    new Endpoint("GET /billing/{period} (page, 24 periods in turn)",
                            i -> "/billing/" + PERIODS.get(i % PERIODS.size())),
                    new Endpoint("GET /billing/" + last + " (page, open period)", i -> "/billing/" + last),
                    new Endpoint("GET /api/v1/billing/{period} (24 periods in turn)",
                            i -> "/api/v1/billing/" + PERIODS.get(i % PERIODS.size())),
                    new Endpoint("GET /invoices (page)", i -> "/invoices"),
                    new Endpoint("GET /api/v1/invoices?period= (24 periods in turn)",
                            i -> "/api/v1/invoices?period=" + PERIODS.get(i % PERIODS.size())));
            // every endpoint once before the first is measured: the code they share is compiled by then too
            for (Endpoint e : endpoints) {
                LoadTest.run(http, server.base(), e.name(), e.path(), Map.of(), clients, 0, warmUp);
            }
            for (Endpoint e : endpoints) {
                results.add(LoadTest.run(http, server.base(), e.name(), e.path(), Map.of(), clients, warmUp, requests,
                        server::cpu));
            }
            return results;
        }
    }

    private void say(String format, Object... args) {
        log.printf(format + "%n", args);
        log.flush();
    }

    private static List<YearMonth> periods(YearMonth first, int count) {
        List<YearMonth> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(first.plusMonths(i));
        }
        return List.copyOf(list);
    }
}

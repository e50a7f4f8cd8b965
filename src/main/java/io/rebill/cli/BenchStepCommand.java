package io.rebill.cli;

import io.rebill.ingestion.Ingestion;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.Billing;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/** One measured benchmark step in its own JVM; prints its time and the process's peak resident memory. */
@Command(name = "bench-step", hidden = true,
        description = "Internal: one measured step of `rebill bench` (ingest, plain DuckDB or bill), run in its own process.")
final class BenchStepCommand implements Callable<Integer> {
    static final BillingPeriod PERIOD = BillingPeriod.parse("2026-10");

    @Option(names = "--kind", required = true)
    String kind;

    @Option(names = "--file", required = true)
    Path file;

    @Option(names = "--home", required = true)
    Path home;

    @Option(names = "--accounts", required = true)
    Path accounts;

    @Option(names = "--memory-limit", defaultValue = RebillSettings.DEFAULT_MEMORY_LIMIT)
    String memoryLimit;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RebillSettings settings = new RebillSettings(home, memoryLimit, Runtime.getRuntime().availableProcessors());
        long started = System.nanoTime();
        switch (kind) {
            case "duckdb-read" -> plainDuckDb(settings, "CREATE TABLE t AS SELECT * FROM "
                    + (file.toString().endsWith(".parquet") ? "read_parquet" : "read_csv") + "('" + DuckDb.literal(file.toString()) + "')");
            case "duckdb-group-by" -> {
                List<Path> files = new Ingestion(settings).lineItemFiles("bench", PERIOD);
                plainDuckDb(settings, "CREATE TABLE a AS SELECT * FROM read_csv('" + DuckDb.literal(accounts.toString())
                        + "', all_varchar = true); CREATE TABLE t AS SELECT a.customer, l.service_name, sum(l.effective_cost)"
                        + " FROM read_parquet(" + DuckDb.fileList(files) + ") l JOIN a ON a.account_id = l.sub_account_id GROUP BY ALL");
            }
            case "duckdb-seven-rule" -> {
                // the hand-written query of the same workflow (bench/seven-rule-invoices.sql), as the bill reads them
                List<Path> files = new Ingestion(settings).lineItemFiles("bench", PERIOD);
                try (Connection c = DuckDb.open(settings)) {
                    SevenRuleBaseline.run(c, config(), BenchWorkflow.PAYER, files, SevenRuleBaseline.sqlFile());
                }
            }
            case "duckdb-gcp-by-hand" -> {
                // bench/gcp-canonical-by-hand.sql: the same stored lines as the ingest of a Google Cloud export, by hand
                io.rebill.shared.io.Trees.delete(home);
                Files.createDirectories(home);
                try (Connection c = DuckDb.open(settings)) {
                    GcpByHandBaseline.run(c, file, home.resolve("lines.parquet"), GcpByHandBaseline.sqlFile());
                }
            }
            case "duckdb-write-stored" -> {
                // the canonical Parquet writer alone: --file is the home of a Rebill ingest of the bench file, whose
                // stored lines are read and written again as the ingest writes them (Ingester.copy); no export is read
                List<Path> stored = new Ingestion(new RebillSettings(file, memoryLimit, settings.threads()))
                        .lineItemFiles("bench", PERIOD);
                io.rebill.shared.io.Trees.delete(home);
                Files.createDirectories(home);
                plainDuckDb(settings, "SET preserve_insertion_order = false; COPY (SELECT * FROM read_parquet("
                        + DuckDb.fileList(stored) + ")) TO '" + DuckDb.literal(home.resolve("lines.parquet").toString())
                        + "' (" + io.rebill.ingestion.StoredLines.WRITE_OPTIONS + ")");
            }
            case "ingest" -> {
                io.rebill.shared.io.Trees.delete(home);
                new Ingestion(settings).ingest("bench", List.of(file), p -> { });
            }
            case "bill", "bill-with-files" -> {
                // as `rebill bill` does: the bill's engine first, so that it loads CEL, DuckDB and its database in the
                // background while the inputs are read (the time still runs from the start of this call)
                Billing billing = InvoiceAssembly.billing(settings, PredicateCompiler.cel()).openingScratchAhead();
                Ingestion ingestion = new Ingestion(settings);
                Path out = home.resolve("bill-out");
                io.rebill.shared.io.Trees.delete(out);
                billing.bill(config(), PERIOD, ingestion.lineItemFiles("bench", PERIOD),
                        kind.equals("bill") ? Optional.empty() : Optional.of(out),
                        m -> System.err.printf("%7.1f s  %s%n", (System.nanoTime() - started) / 1e9, m));
            }
            case "bill-daily" -> {
                // what a bill run in the application does: the bill and its daily aggregate (issue 12)
                Billing billing = InvoiceAssembly.billing(settings, PredicateCompiler.cel());
                Ingestion ingestion = new Ingestion(settings);
                try (var billed = billing.billDaily(config(), PERIOD,
                        ingestion.lineItemFiles("bench", PERIOD),
                        m -> System.err.printf("%7.1f s  %s%n", (System.nanoTime() - started) / 1e9, m))) {
                    System.err.printf("%,d daily rows%n", billed.count());
                }
            }
            case "bill-daily-tags" -> {
                // the same with the tag aggregate of the reports (issue 12): the 20 most frequent tag keys and a
                // virtual tag of three cases over every line
                Billing billing = InvoiceAssembly.billing(settings, PredicateCompiler.cel());
                Ingestion ingestion = new Ingestion(settings);
                var tags = new io.rebill.rules.TagDimensions(20, List.of(new io.rebill.rules.TagDimensions.VirtualTagSql(
                        "workload", Optional.empty(), List.of(
                        new io.rebill.rules.TagDimensions.Case("line.x_service_code == 'AmazonEC2'", "Compute"),
                        new io.rebill.rules.TagDimensions.Case("line.x_service_code in ['AmazonS3', 'AmazonEBS']", "Storage"),
                        new io.rebill.rules.TagDimensions.Case("line.region_id.startsWith('eu-')", "Europe")))));
                try (var billed = billing.billDaily(config(), PERIOD,
                        ingestion.lineItemFiles("bench", PERIOD), tags,
                        m -> System.err.printf("%7.1f s  %s%n", (System.nanoTime() - started) / 1e9, m))) {
                    System.err.printf("%,d daily rows, %,d tag rows%n", billed.count(), billed.tagCount());
                }
            }
            default -> throw new IllegalArgumentException("unknown step " + kind);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        spec.commandLine().getOut().printf("bench-step seconds=%.3f peak_kb=%d%n", seconds, peakKb());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private static void plainDuckDb(RebillSettings settings, String sql) throws Exception {
        try (Connection c = DuckDb.open(settings); Statement s = c.createStatement()) {
            for (String statement : sql.split("; ")) {
                s.execute(statement);
            }
        }
    }

    /** VmHWM of this process: the peak of everything resident, the JVM heap and DuckDB's native memory alike. */
    static long peakKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private MspConfig config() throws Exception {
        return BenchWorkflow.config(BenchWorkflow.accounts(accounts), PERIOD);
    }
}

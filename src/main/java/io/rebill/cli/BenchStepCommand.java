package io.rebill.cli;

import io.rebill.ingestion.Ingestion;
import io.rebill.rules.Assignment;
import io.rebill.rules.Billing;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.rules.Workflow;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/** One measured benchmark step in its own JVM; prints its time and the process's peak resident memory. */
@Command(name = "bench-step", hidden = true)
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
            case "ingest" -> {
                io.rebill.shared.io.Trees.delete(home);
                new Ingestion(settings).ingest("bench", List.of(file), p -> { });
            }
            case "bill", "bill-with-files" -> {
                Ingestion ingestion = new Ingestion(settings);
                Path out = home.resolve("bill-out");
                io.rebill.shared.io.Trees.delete(out);
                new Billing(settings, PredicateCompiler.cel()).bill(config(), PERIOD, ingestion.lineItemFiles("bench", PERIOD),
                        kind.equals("bill") ? Optional.empty() : Optional.of(out),
                        m -> System.err.printf("%7.1f s  %s%n", (System.nanoTime() - started) / 1e9, m));
            }
            case "bill-daily" -> {
                // what a bill run in the application does: the bill and its daily aggregate (issue 12)
                Ingestion ingestion = new Ingestion(settings);
                try (var billed = new Billing(settings, PredicateCompiler.cel()).billDaily(config(), PERIOD,
                        ingestion.lineItemFiles("bench", PERIOD),
                        m -> System.err.printf("%7.1f s  %s%n", (System.nanoTime() - started) / 1e9, m))) {
                    System.err.printf("%,d daily rows%n", billed.count());
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

    /** The benchmark's 7-rule workflow over every generated customer. */
    private MspConfig config() throws Exception {
        List<String> lines = Files.readAllLines(accounts);
        List<io.rebill.demo.DemoAccount> demo = lines.subList(1, lines.size()).stream()
                .map(l -> l.split(",")).map(p -> new io.rebill.demo.DemoAccount(p[0], p[1])).toList();
        List<Customer> customers = DemoCommand.customers(demo);
        List<Assignment> assignments = customers.stream().map(c -> new Assignment(c.id(), "bench", PERIOD)).toList();
        String payer = io.rebill.demo.GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID;
        Scope edp = new Scope(List.of(), List.of(), List.of("EdpDiscount"), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty());
        Scope cloudFront = new Scope(List.of("AmazonCloudFront"), List.of(), List.of(), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty());
        Scope tuesdays = new Scope(List.of("AmazonEC2"), List.of(), List.of(), List.of(), List.of(),
                Optional.of("line.region_id.startsWith('us-east-') && line.charge_period_start.getDayOfWeek() == 2"),
                Optional.empty(), Optional.empty());
        List<Rule> rules = List.of(
                new Rule.ReplaceRiDiscount("ri", "RI at on-demand", Scope.EVERYTHING, List.of(payer)),
                new Rule.ReplaceSpDiscount("sp", "SP at on-demand", Scope.EVERYTHING, List.of(payer)),
                new Rule.Exclusion("edp", "No EDP", edp),
                new Rule.Adjustment("cf", "CloudFront at 90 %", cloudFront, new BigDecimal("90")),
                new Rule.Discount("tue", "EC2 2 % on Tuesdays in us-east", tuesdays, new BigDecimal("2")),
                new Rule.Uplift("up", "Uplift 3 %", Scope.EVERYTHING, new BigDecimal("3")),
                new Rule.Charge("fee", "Management fee", Scope.EVERYTHING, new Rule.Amount.PercentOfSubtotal(new BigDecimal("2.5"),
                        Optional.of(new BigDecimal("100"))), Rule.Frequency.MONTHLY,
                        new Rule.InvoiceLabel("Managed services", Optional.empty(), Optional.empty())));
        return new MspConfig("Bench MSP", "USD", customers, rules,
                List.of(new Workflow("bench", "Bench", Workflow.Basis.EFFECTIVE, rules.stream().map(Rule::id).toList())), assignments);
    }
}

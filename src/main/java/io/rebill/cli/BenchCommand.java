package io.rebill.cli;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmarks for docs/benchmarks.md. Each measured step runs in a child JVM of its own (`bench-step`), so its time
 * and peak memory (VmHWM: Java heap, DuckDB's native memory and everything else) are its alone, and each is compared
 * with plain DuckDB doing the nearest equivalent on the same file.
 */
@Command(name = "bench", description = "Measure ingest and billing against plain DuckDB on generated data (docs/benchmarks.md).")
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--what", defaultValue = "ingest",
            description = "ingest | bill | data (only generate and ingest the data the bill benchmark reads) | drafts | pages"
                    + " | ingest-azure | ingest-gcp | lines (the run's kept lines and a customer's FOCUS file,"
                    + " docs/benchmarks.md) | load")
    String what;

    @Option(names = "--rows", defaultValue = "10000000", description = "Line items in the generated month (default 10 M).")
    long rows;

    @Option(names = "--customers", defaultValue = "200")
    int customers;

    @Option(names = "--accounts", defaultValue = "1000")
    int accounts;

    @Option(names = "--runs", defaultValue = "3", description = "bill: runs of each step, alternating (default 3).")
    int runs;

    @Option(names = "--with-files", description = "bill: also bill with the 200 per-customer files (one run).")
    boolean withFiles;

    @Option(names = "--clients", description = "pages, load: concurrent HTTP clients (default 16 for pages, 20 for load).")
    Integer clients;

    @Option(names = "--managed-accounts", defaultValue = "1000", description = "load: managed accounts of the MSP (default 1,000).")
    int managedAccounts;

    @Option(names = "--requests", defaultValue = "400", description = "pages, load: measured requests per endpoint (default 400).")
    int requests;

    @Option(names = "--warm-up", defaultValue = "400",
            description = "pages, load: unmeasured requests per endpoint, from the same clients, in a pass over every"
                    + " endpoint first and again before each endpoint's measured ones (default 400): the JIT compiles"
                    + " once in a long-running server, not in every measured phase.")
    int warmUp;

    @Option(names = "--month-rows", defaultValue = "20000", description = "pages: line items per month (default 20,000).")
    long monthRows;

    @Option(names = "--work", description = "Folder for generated data and runs (default $REBILL_HOME/bench); data is reused.")
    Path work;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RebillSettings settings = parent.settings();
        Path dir = work != null ? work : settings.home().resolve("bench");
        if (what.equals("ingest-azure") || what.equals("ingest-gcp")) {
            return providerIngest(out, settings, dir, what.substring("ingest-".length()));
        }
        if (!List.of("ingest", "bill", "data", "drafts", "pages", "lines", "load").contains(what)) {
            // before any data is generated, which takes minutes
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "--what is ingest, ingest-azure, ingest-gcp, bill, data, drafts, pages, lines or load, not '" + what + "'");
        }
        if (what.equals("pages") || what.equals("load")) {
            return pages(out, settings, dir);
        }
        Path data = dir.resolve("data-" + rows + "-" + accounts + "-" + customers);
        // only the ingest bench reads the CSV.gz; gzip is most of a month's generation (50 M lines: the Parquet alone)
        EnumSet<Format> formats = what.equals("ingest") ? EnumSet.of(Format.CUR_CSV_GZ, Format.CUR_PARQUET)
                : EnumSet.of(Format.CUR_PARQUET);
        formats.removeIf(f -> Files.isDirectory(data.resolve(f.cliName())));
        Path accountsFile = data.resolve("accounts.csv");
        if (!Files.exists(accountsFile) || !formats.isEmpty()) {
            if (formats.isEmpty()) {
                formats.add(Format.CUR_PARQUET);
            }
            out.printf("generating %,d line items (%s) in %s%n", rows, formats, data);
            out.flush();
            GeneratedFiles files = new BillingDataGenerator().generate(new GeneratorSpec(7, rows, accounts, customers,
                    List.of(YearMonth.of(2026, 10)), GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID, rows), data, formats, settings);
            List<String> lines = new ArrayList<>(List.of("account_id,customer,customer_name"));
            for (DemoAccount a : files.accounts()) {
                lines.add(a.accountId() + "," + a.customer() + "," + a.customerName().replace(',', ' '));
            }
            Files.write(accountsFile, lines);
        }
        Path parquet = single(data.resolve(Format.CUR_PARQUET.cliName()));
        List<String[]> results = new ArrayList<>();
        switch (what) {
            case "ingest" -> {
                for (Path file : List.of(single(data.resolve(Format.CUR_CSV_GZ.cliName())), parquet)) {
                    Step base = step(dir, "duckdb-read", file, dir.resolve("run-base"), accountsFile);
                    Step ours = step(dir, "ingest", file, dir.resolve("run-ingest"), accountsFile);
                    results.add(row(file.getFileName().toString(), base, ours));
                }
            }
            case "bill", "data" -> {
                Path home = billingHome(dir, parquet, accountsFile);
                if (what.equals("data")) {
                    out.println("data ready in " + home);
                    out.flush();
                    return ExitCodes.OK;
                }
                return bill(out, dir, parquet, home, accountsFile);
            }
            case "lines" -> {
                Path home = billingHome(dir, parquet, accountsFile);
                LinesBench lines = new LinesBench(out, dir);
                lines.write(settings, home, accountsFile, runs);
                DraftsBench.Result d = new DraftsBench(dir.resolve("lines-" + rows), out).then(lines.http(requests))
                        .run(settings, parquet, accountsFile);
                out.printf("%nThe server's month through an integration: ingest call %.1f s, then drafts ready after %.2f s,"
                        + " cost figures after %.2f s (the run's took_ms: %.2f s)%n", d.ingestSeconds(), d.draftsSeconds(),
                        d.figuresSeconds(), d.runTookMs() / 1e3);
                out.flush();
                return ExitCodes.OK;
            }
            case "drafts" -> {
                Path home = billingHome(dir, parquet, accountsFile);
                return drafts(out, settings, dir, parquet, home, accountsFile);
            }
            default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "--what is ingest, ingest-azure, ingest-gcp, bill, data, drafts, pages, lines or load, not '" + what + "'");
        }
        out.println();
        out.println("| step | rows | plain DuckDB s | Rebill s | ratio | Rebill rows/s | Rebill peak RSS |");
        out.println("|---|---|---|---|---|---|---|");
        for (String[] r : results) {
            out.println("| " + String.join(" | ", r) + " |");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The billing home of this size, {@code run-bill-home-ROWS} (one per size, so that a 50 M run being prepared does
     * not replace the 10 M data), its month ingested when it holds none, or one stored by a build before ingest wrote
     * each file's account sums, which a bill of today's build would read the lines for instead (docs/ingestion.md;
     * such a home is removed first). The ingest is measured by --what ingest and is reused here.
     */
    private Path billingHome(Path dir, Path parquet, Path accountsFile) throws Exception {
        Path home = dir.resolve("run-bill-home-" + rows);
        Path stored = home.resolve("sources").resolve("bench");
        if (Files.exists(stored)) {
            try (java.util.stream.Stream<Path> files = Files.walk(stored)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet" + io.rebill.ingestion.AccountSums.SUFFIX))) {
                    return home;
                }
            }
            io.rebill.shared.io.Trees.delete(home);
        }
        step(dir, "ingest", parquet, home, accountsFile);
        return home;
    }

    /**
     * The bill against the hand-written query of the same workflow (bench/seven-rule-invoices.sql) and, for
     * reference, the plain GROUP BY customer, service; the three alternate, {@code runs} times.
     */
    private int bill(PrintWriter out, Path dir, Path parquet, Path home, Path accountsFile) throws Exception {
        String loadBefore = loadAverage();
        List<Step> groupBy = new ArrayList<>();
        List<Step> hand = new ArrayList<>();
        List<Step> bill = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            groupBy.add(step(dir, "duckdb-group-by", parquet, home, accountsFile));
            hand.add(step(dir, "duckdb-seven-rule", parquet, home, accountsFile));
            bill.add(step(dir, "bill", parquet, home, accountsFile));
        }
        out.println();
        out.printf("%d runs, alternating; load average (1, 5, 15 min) before: %s, after: %s%n", runs, loadBefore, loadAverage());
        out.println("| step | lines | runs (s) | peak RSS (MiB) | bill / this |");
        out.println("|---|---|---|---|---|");
        out.println(billRow("plain DuckDB: GROUP BY customer, service (reference, not the same work)", groupBy, bill));
        out.println(billRow("hand-written DuckDB: bench/seven-rule-invoices.sql (the same invoices)", hand, bill));
        out.println(billRow("rebill bill (7 rules, " + customers + " customers; no files)", bill, bill));
        // what a bill run in the application adds: the daily dimensions of the customers' cost reports (docs/costs.md)
        Step daily = step(dir, "bill-daily", parquet, home, accountsFile);
        out.println(billRow("rebill bill + daily cost aggregates (a bill run in the application)", List.of(daily), bill));
        if (withFiles) {
            Step files = step(dir, "bill-with-files", parquet, home, accountsFile);
            out.println(billRow("rebill bill + the per-customer files", List.of(files), bill));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private String billRow(String name, List<Step> steps, List<Step> bill) {
        StringBuilder times = new StringBuilder();
        StringBuilder ratios = new StringBuilder();
        StringBuilder peaks = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            String sep = i == 0 ? "" : " / ";
            times.append(sep).append(String.format("%.2f", steps.get(i).seconds()));
            peaks.append(sep).append(String.format("%,d", steps.get(i).peakKb() / 1024));
            ratios.append(sep).append(String.format("%.2fx", bill.get(i).seconds() / steps.get(i).seconds()));
        }
        return "| " + name + " | " + String.format("%,d", rows) + " | " + times + " | " + peaks + " | " + ratios + " |";
    }

    /**
     * Drafts in the product (ingest through an integration of the real server, then the automatic run) against the
     * CLI bill of the same month, alternating, {@code runs} times.
     */
    private int drafts(PrintWriter out, RebillSettings settings, Path dir, Path parquet, Path home, Path accountsFile)
            throws Exception {
        String loadBefore = loadAverage();
        List<DraftsBench.Result> product = new ArrayList<>();
        List<Step> cli = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            DraftsBench.Result d = new DraftsBench(dir.resolve("drafts-" + rows), out).run(settings, parquet, accountsFile);
            spec.commandLine().getErr().printf("drafts: ingest call %.1f s, then drafts ready after %.1f s, cost figures"
                    + " after %.1f s (the run: %.1f s)%n", d.ingestSeconds(), d.draftsSeconds(), d.figuresSeconds(),
                    d.runTookMs() / 1e3);
            product.add(d);
            cli.add(step(dir, "bill", parquet, home, accountsFile));
        }
        out.println();
        out.printf("%d runs, alternating; load average (1, 5, 15 min) before: %s, after: %s%n", runs, loadBefore, loadAverage());
        out.println("| run | lines | ingest call s | ingest end to drafts ready s | ingest end to cost figures s"
                + " | the run's own s | drafts | CLI bill s | drafts ratio | figures ratio |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < product.size(); i++) {
            DraftsBench.Result d = product.get(i);
            double bill = cli.get(i).seconds();
            out.printf("| %d | %,d | %.1f | %.2f | %.2f | %.2f | %d | %.2f | %.2fx | %.2fx |%n", i + 1, d.lines(),
                    d.ingestSeconds(), d.draftsSeconds(), d.figuresSeconds(), d.runTookMs() / 1e3, d.drafts(), bill,
                    d.draftsSeconds() / bill, d.figuresSeconds() / bill);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private int pages(PrintWriter out, RebillSettings settings, Path dir) throws Exception {
        String loadBefore = loadAverage();
        PagesBench pages = new PagesBench(dir, monthRows, accounts, customers, out);
        boolean load = what.equals("load");
        int n = clients != null ? clients : load ? 20 : 16;
        List<LoadTest.Result> results = load ? new LoadBench(pages, dir, managedAccounts, out).run(settings, n, warmUp, requests)
                : pages.run(settings, n, warmUp, requests);
        out.println();
        out.printf("%d customers x %d periods of %,d lines%s, %d clients, %d requests per endpoint over 127.0.0.1"
                        + " after %d unmeasured%n",
                customers, PagesBench.PERIODS.size(), monthRows, load ? ", " + managedAccounts + " managed accounts" : "",
                n, requests, warmUp);
        out.printf("load average (1, 5, 15 min) before: %s, after: %s%n", loadBefore, loadAverage());
        out.println("| endpoint | p50 ms | p95 ms | p99 ms | max ms | requests/s | body bytes | server CPU ms a request |");
        out.println("|---|---|---|---|---|---|---|---|");
        for (LoadTest.Result r : results) {
            out.printf("| %s | %.1f | %.1f | %.1f | %.1f | %.0f | %,d | %.2f |%n", r.endpoint(), r.p50(), r.p95(), r.p99(),
                    r.max(), r.perSecond(), r.bodyBytes(), r.cpuPerRequest());
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** An Azure or Google Cloud export of {@code rows} lines: plain DuckDB's read of the file against Rebill's ingest. */
    private int providerIngest(PrintWriter out, RebillSettings settings, Path dir, String provider) throws Exception {
        Path file = ProviderBenchData.generate(provider, rows, dir, settings, out);
        String loadBefore = loadAverage();
        Step base = step(dir, "duckdb-read", file, dir.resolve("run-base"), file);
        // Google Cloud: the same stored lines mapped by hand (bench/gcp-canonical-by-hand.sql), the physical limit
        Step hand = provider.equals("gcp") ? step(dir, "duckdb-gcp-by-hand", file, dir.resolve("run-by-hand"), file) : null;
        Path ingestHome = dir.resolve("run-ingest-" + provider);
        Step ours = step(dir, "ingest", file, ingestHome, file);
        // Rebill's stored lines written again by DuckDB alone: the part of any ingest that no reading of the export
        // can save, beside the plain read it is held to
        Step write = step(dir, "duckdb-write-stored", ingestHome, dir.resolve("run-write-stored"), file);
        out.println();
        out.printf("load average (1, 5, 15 min) before: %s, after: %s%n", loadBefore, loadAverage());
        out.println("| step | rows | plain DuckDB s | Rebill s | ratio | Rebill rows/s | Rebill peak RSS |");
        out.println("|---|---|---|---|---|---|---|");
        out.println("| " + String.join(" | ", row(file.getFileName() + " (" + Files.size(file) / (1 << 20) + " MiB)", base, ours)) + " |");
        if (hand != null) {
            out.println();
            out.println("| the same work by hand | rows | " + GcpByHandBaseline.FILE + " s | Rebill s | ratio |");
            out.println("|---|---|---|---|---|");
            // the first five columns of a row: name, rows, the baseline's and Rebill's seconds, the ratio
            out.println("| " + String.join(" | ", java.util.Arrays.copyOf(row(file.getFileName().toString(), hand, ours), 5)) + " |");
        }
        out.println();
        out.println("| the stored lines alone | plain DuckDB s | DuckDB writing Rebill's stored lines again s | of the plain read |");
        out.println("|---|---|---|---|");
        out.printf("| %s | %.1f | %.1f | %.2fx |%n", file.getFileName(), base.seconds(), write.seconds(),
                write.seconds() / base.seconds());
        out.flush();
        return ExitCodes.OK;
    }

    /** The machine is shared: its load average goes beside every figure (the first three fields of /proc/loadavg). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private String[] row(String name, Step base, Step ours) {
        return new String[]{name, String.format("%,d", rows), String.format("%.1f", base.seconds()),
                String.format("%.1f", ours.seconds()), String.format("%.2fx", ours.seconds() / base.seconds()),
                String.format("%,.0f", rows / ours.seconds()), String.format("%,d MiB", ours.peakKb() / 1024)};
    }

    private static Path single(Path folder) throws IOException {
        try (var files = Files.walk(folder)) {
            List<Path> found = files.filter(Files::isRegularFile).sorted().toList();
            if (found.size() != 1) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "expected one generated file in " + folder + ", found " + found);
            }
            return found.get(0);
        }
    }

    record Step(double seconds, long peakKb) {
    }

    private static final Pattern RESULT = Pattern.compile("bench-step seconds=([0-9.]+) peak_kb=(\\d+)");

    /** Runs one measured step in a fresh JVM and reads its result line. */
    private Step step(Path dir, String kind, Path file, Path home, Path accounts) throws Exception {
        List<String> cmd = BenchJvm.command(List.of(), List.of("bench-step", "--kind", kind, "--file", file.toString(),
                "--home", home.toString(), "--accounts", accounts.toString(), "--memory-limit", parent.settings().memoryLimit()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(Map.of());
        Process p = pb.start();
        Step result = null;
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.append(line).append('\n');
                Matcher m = RESULT.matcher(line);
                if (m.find()) {
                    result = new Step(Double.parseDouble(m.group(1)), Long.parseLong(m.group(2)));
                }
            }
        }
        if (p.waitFor() != 0 || result == null) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "benchmark step " + kind + " failed:\n" + log);
        }
        spec.commandLine().getErr().printf("%-18s %-40s %7.1f s  peak %,d MiB%n", kind, file.getFileName(), result.seconds(),
                result.peakKb() / 1024);
        spec.commandLine().getErr().flush();
        return result;
    }
}

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
import java.io.File;
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
            description = "ingest | bill | data (only generate and ingest the data the bill benchmark reads)")
    String what;

    @Option(names = "--rows", defaultValue = "10000000", description = "Line items in the generated month (default 10 M).")
    long rows;

    @Option(names = "--customers", defaultValue = "200")
    int customers;

    @Option(names = "--accounts", defaultValue = "1000")
    int accounts;

    @Option(names = "--work", description = "Folder for generated data and runs (default $REBILL_HOME/bench); data is reused.")
    Path work;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        RebillSettings settings = parent.settings();
        Path dir = work != null ? work : settings.home().resolve("bench");
        Path data = dir.resolve("data-" + rows + "-" + accounts + "-" + customers);
        EnumSet<Format> formats = EnumSet.of(Format.CUR_CSV_GZ, Format.CUR_PARQUET);
        Path accountsFile = data.resolve("accounts.csv");
        if (!Files.exists(accountsFile)) {
            out.printf("generating %,d line items (CUR CSV.gz and CUR Parquet) in %s%n", rows, data);
            out.flush();
            GeneratedFiles files = new BillingDataGenerator().generate(new GeneratorSpec(7, rows, accounts, customers,
                    List.of(YearMonth.of(2026, 10)), GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID, rows), data, formats, settings);
            List<String> lines = new ArrayList<>(List.of("account_id,customer"));
            for (DemoAccount a : files.accounts()) {
                lines.add(a.accountId() + "," + a.customer());
            }
            Files.write(accountsFile, lines);
        }
        Path csv = single(data.resolve(Format.CUR_CSV_GZ.cliName()));
        Path parquet = single(data.resolve(Format.CUR_PARQUET.cliName()));
        List<String[]> results = new ArrayList<>();
        switch (what) {
            case "ingest" -> {
                for (Path file : List.of(csv, parquet)) {
                    Step base = step(dir, "duckdb-read", file, dir.resolve("run-base"), accountsFile);
                    Step ours = step(dir, "ingest", file, dir.resolve("run-ingest"), accountsFile);
                    results.add(row(file.getFileName().toString(), base, ours));
                }
            }
            case "bill", "data" -> {
                // one billing home per size, so that a 50 M run being prepared does not replace the 10 M data; the
                // ingest is measured by --what ingest and is reused here when the home already holds it
                Path home = dir.resolve("run-bill-home-" + rows);
                if (!Files.exists(home.resolve("sources").resolve("bench"))) {
                    step(dir, "ingest", parquet, home, accountsFile);
                }
                if (what.equals("data")) {
                    out.println("data ready in " + home);
                    out.flush();
                    return ExitCodes.OK;
                }
                Step base = step(dir, "duckdb-group-by", parquet, home, accountsFile);
                Step bill = step(dir, "bill", parquet, home, accountsFile);
                Step billDaily = step(dir, "bill-daily", parquet, home, accountsFile);
                Step billOut = step(dir, "bill-with-files", parquet, home, accountsFile);
                results.add(row("bill (7 rules, " + customers + " customers)", base, bill));
                results.add(row("bill + daily cost aggregates (a bill run in the application)", base, billDaily));
                results.add(row("bill + write per-customer files", base, billOut));
            }
            default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "--what is ingest, bill or data, not '" + what + "'");
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
        String java = ProcessHandle.current().info().command().orElse("java");
        // launched as `java -jar rebill.jar`, the class path is the jar itself; from tests, the class path of classes
        String classPath = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g"));
        if (classPath.endsWith(".jar") && !classPath.contains(File.pathSeparator)) {
            cmd.addAll(List.of("-jar", classPath));
        } else {
            cmd.addAll(List.of("-cp", classPath, "io.rebill.Rebill"));
        }
        cmd.addAll(List.of("bench-step", "--kind", kind, "--file", file.toString(), "--home", home.toString(),
                "--accounts", accounts.toString(), "--memory-limit", parent.settings().memoryLimit()));
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

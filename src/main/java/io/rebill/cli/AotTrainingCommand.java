package io.rebill.cli;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The training run of the JDK's AOT cache that {@code ./rebill} makes once per build (README, "What ./rebill does"):
 * a small piece of each kind of work the command line does, in one JVM, so that the classes they load (the
 * generator, the ingest, msp.yaml, CEL's parser and checker, the bill, the cost report, DuckDB's driver) are loaded
 * and linked from the cache in later runs. The bench's steps are trained too, the bill's and the hand-written
 * query's alike, so that `rebill bench` compares them on the same footing. Its output is discarded; it fails when a
 * command fails, and the launcher then keeps no cache.
 */
@Command(name = "aot-training", hidden = true,
        description = "Internal: the short representative run that ./rebill records the JDK's AOT cache from, once per build.")
final class AotTrainingCommand implements Callable<Integer> {
    static final long ROWS = 2_000;

    @ParentCommand
    RebillCommand parent;

    @Option(names = "--work", required = true, description = "An empty folder for the generated data; deleted by the caller.")
    Path work;

    @Override
    public Integer call() throws Exception {
        Path home = work.resolve("home");
        // what a user runs: the demo (generate, ingest, msp.yaml, a bill with its files), a bill from msp.yaml, a report
        run("--data-dir", home.toString(), "demo", "--rows", String.valueOf(ROWS), "--no-serve");
        run("--data-dir", home.toString(), "bill", "--config", home.resolve("demo").resolve("msp.yaml").toString(),
                "--period", "2026-10", "--out", work.resolve("bill").toString(), DemoCommand.SOURCE);
        run("--data-dir", home.toString(), "costs", "--source", DemoCommand.SOURCE, "--period", "2026-10",
                "--group-by", "service_name,sub_account_id", "--format", "csv");
        // what `rebill bench --what bill` runs in its child JVMs: the 7-rule bill (with a CEL condition) and the
        // hand-written query of the same work, on a month laid out as the bench lays it out
        Path data = work.resolve("bench-data");
        Path accounts = benchMonth(data);
        Path parquet;
        try (Stream<Path> files = Files.walk(data.resolve(Format.CUR_PARQUET.cliName()))) {
            parquet = files.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        Path benchHome = work.resolve("bench-home");
        List<String> kinds = new ArrayList<>(List.of("ingest", "bill", "duckdb-group-by"));
        if (handWrittenQueryPresent()) {
            kinds.add("duckdb-seven-rule");
        }
        for (String kind : kinds) {
            run("bench-step", "--kind", kind, "--file", parquet.toString(), "--home", benchHome.toString(),
                    "--accounts", accounts.toString());
        }
        return ExitCodes.OK;
    }

    /** The bench's month (BenchCommand), small: CUR Parquet and the accounts file beside it. */
    private Path benchMonth(Path data) throws Exception {
        RebillSettings settings = parent.settings().withHome(work.resolve("generator-home"));
        GeneratedFiles files = new BillingDataGenerator().generate(new GeneratorSpec(7, ROWS, 50, 10,
                List.of(YearMonth.of(2026, 10)), GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID, ROWS), data,
                EnumSet.of(Format.CUR_PARQUET), settings);
        List<String> lines = new ArrayList<>(List.of("account_id,customer,customer_name"));
        for (DemoAccount a : files.accounts()) {
            lines.add(a.accountId() + "," + a.customer() + "," + a.customerName().replace(',', ' '));
        }
        return Files.write(data.resolve("accounts.csv"), lines);
    }

    /** bench/seven-rule-invoices.sql is in the repository, not the jar: an installed copy trains without it. */
    private static boolean handWrittenQueryPresent() {
        try {
            SevenRuleBaseline.sqlFile();
            return true;
        } catch (RebillException e) {
            return false;
        }
    }

    private static void run(String... args) {
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        PrintWriter err = new PrintWriter(System.err, true);
        int exit = RebillCommand.execute(quiet, err, args);
        if (exit != ExitCodes.OK) {
            throw new IllegalStateException("training command failed with exit " + exit + ": " + String.join(" ", args));
        }
    }
}

package io.rebill.cli;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "generate", description = "Write deterministic, realistic MSP billing data (CUR CSV.gz, CUR Parquet, FOCUS).")
final class GenerateCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--out", required = true, description = "Folder; files go to OUT/<format>/<YYYY-MM>/.")
    Path out;

    @Option(names = "--rows", defaultValue = "100000", description = "Line items per billing period (default 100000).")
    long rows;

    @Option(names = "--accounts", defaultValue = "40", description = "Linked accounts under the payer (default 40).")
    int accounts;

    @Option(names = "--customers", defaultValue = "12", description = "Customers owning those accounts (default 12).")
    int customers;

    @Option(names = "--periods", split = ",", defaultValue = "2026-09,2026-10", description = "Billing periods, e.g. 2024-08,2024-09.")
    List<String> periods;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--payer", defaultValue = GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID)
    String payer;

    @Option(names = "--format", split = ",", defaultValue = "cur-csv", description = "cur-csv, cur-parquet, focus, focus-parquet (default cur-csv).")
    List<String> formats;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        GeneratorSpec s = new GeneratorSpec(seed, rows, accounts, customers, periods.stream().map(GenerateCommand::month).toList(),
                payer);
        Set<Format> f = EnumSet.noneOf(Format.class);
        formats.forEach(name -> f.add(Format.fromCliName(name)));
        long started = System.nanoTime();
        GeneratedFiles files = new BillingDataGenerator().generate(s, out, f, parent.settings(), file -> {
            err.printf("wrote %s (%,d lines, %s)%n", file.path(), file.rows(), file.period());
            err.flush();
        });
        spec.commandLine().getOut().printf("generated %d files, %,d lines per period, %d accounts of %d customers in %.1f s%n",
                files.files().size(), rows, accounts, customers, (System.nanoTime() - started) / 1e9);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    static YearMonth month(String text) {
        try {
            return YearMonth.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "period '" + text + "' is not of the form YYYY-MM");
        }
    }
}

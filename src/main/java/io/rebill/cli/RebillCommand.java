package io.rebill.cli;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code rebill} command line. Each sub-command calls one feature facade. */
// scope INHERIT: every command and subcommand gets -h/--help and -V/--version (HelpTest walks them all)
@Command(name = "rebill", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "rebill 0.1.0",
        description = "Re-bill cloud costs to an MSP's customers.",
        subcommands = {SourceCommand.class, IngestCommand.class, BillCommand.class, DiffCommand.class, ExplainCommand.class, ReconcileCommand.class, SourcesCommand.class, CostsCommand.class, ServeCommand.class, GenerateCommand.class, DemoCommand.class, BenchCommand.class, BenchStepCommand.class, AotTrainingCommand.class, SecretsCommand.class,
                CommandLine.HelpCommand.class})
public final class RebillCommand {
    @Option(names = "--data-dir", scope = CommandLine.ScopeType.INHERIT,
            description = "Where Rebill keeps its data (default: $REBILL_HOME, else ~/.rebill).")
    Path dataDir;

    RebillSettings settings() {
        RebillSettings fromEnv = RebillSettings.fromEnvironment(System.getenv());
        return dataDir == null ? fromEnv : fromEnv.withHome(dataDir);
    }

    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs one command with its output and errors sent to the given writers. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new RebillCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof RebillException re) {
                commandLine.getErr().println("error [" + re.code() + "]: " + re.getMessage());
                return ExitCodes.of(re);
            }
            throw e;
        });
        return cli.execute(args);
    }
}

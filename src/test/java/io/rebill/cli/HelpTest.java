package io.rebill.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 11 item 6: `./rebill <command> [<subcommand>] --help` works for every command, with a useful description. */
class HelpTest {
    /** Every command path of the real command line, e.g. [source, add]. */
    private static List<List<String>> commands(CommandLine cli, List<String> path) {
        List<List<String>> all = new ArrayList<>();
        cli.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().name().equals(name) && !name.equals("help")) {
                List<String> here = new ArrayList<>(path);
                here.add(name);
                all.add(here);
                all.addAll(commands(sub, here));
            }
        });
        return all;
    }

    @Test
    void everyCommandAndSubcommandAnswersHelpWithExitZeroAndADescription() {
        List<List<String>> commands = commands(new CommandLine(new RebillCommand()), List.of());
        assertThat(commands).as("the walk finds the commands").contains(List.of("ingest"), List.of("sources"),
                List.of("costs"), List.of("demo"), List.of("source", "add"));
        for (List<String> command : commands) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = RebillCommand.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
            String help = out.toString();
            assertThat(exit).as(String.join(" ", args) + "\n" + err).isZero();
            assertThat(help).as(String.join(" ", args)).startsWith("Usage: rebill " + String.join(" ", command));
            String description = help.lines().skip(1).filter(l -> !l.isBlank() && !l.startsWith(" ") && !l.startsWith("Usage"))
                    .findFirst().orElse("");
            assertThat(description).as("the description of " + String.join(" ", command)).hasSizeGreaterThan(20);
            assertThat(help).as(String.join(" ", args)).contains("-h, --help");
        }
    }

    @Test
    void ingestsHelpNamesEveryProvidersExport() {
        StringWriter out = new StringWriter();
        int exit = RebillCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "ingest", "--help");
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("AWS CUR").contains("FOCUS").contains("Azure").contains("Google Cloud")
                .contains("Parquet").contains("JSON lines");
    }

    @Test
    void helpBeforeTheCommandWorksToo() {
        StringWriter out = new StringWriter();
        int exit = RebillCommand.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "help", "costs");
        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("Usage: rebill costs");
    }
}

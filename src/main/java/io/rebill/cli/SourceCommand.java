package io.rebill.cli;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LocalFolder;
import io.rebill.ingestion.SourceState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "source", description = "Configure a source: the folder that `rebill ingest --source NAME` reads.", subcommands = SourceCommand.Add.class)
final class SourceCommand {
    @ParentCommand
    RebillCommand parent;

    @Command(name = "add", description = "Create a source (or change its folder); `ingest --source NAME` then reads it.")
    static final class Add implements Callable<Integer> {
        @ParentCommand
        SourceCommand source;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Option(names = "--folder", required = true, description = "Folder holding the billing account's export files (CUR, FOCUS, Azure, Google Cloud).")
        Path folder;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            SourceState s = new Ingestion(source.parent.settings()).configure(name, new LocalFolder(folder));
            spec.commandLine().getOut().printf("source %s reads %s (status %s)%n", s.name(), s.folder(), s.status());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}

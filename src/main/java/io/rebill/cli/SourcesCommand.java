package io.rebill.cli;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "sources", description = "List sources with their status and stored periods.")
final class SourcesCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Table t = new Table("source", "status", "period", "lines", "billed", "effective", "list", "message");
        for (SourceState s : new Ingestion(parent.settings()).sources()) {
            if (s.periods().isEmpty()) {
                t.row(s.name(), s.status().name(), "", "", "", "", "", s.message());
            }
            for (StoredPeriod p : s.periods()) {
                t.row(s.name(), s.status().name(), p.period().toString(), String.valueOf(p.sums().lineCount()),
                        p.sums().billed().toPlainString(), p.sums().effective().toPlainString(),
                        p.sums().list().toPlainString(), s.message());
            }
        }
        spec.commandLine().getOut().print(t.render());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

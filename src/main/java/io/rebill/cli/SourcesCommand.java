package io.rebill.cli;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * Every source with its status and stored periods. Amounts are rounded to cents with separators for reading;
 * {@code rebill costs --format csv|json} and {@code rebill reconcile} give the exact decimals.
 */
@Command(name = "sources",
        description = {"List every source with its status and, per stored billing period, its line count and billed,"
                + " effective and list cost (rounded to cents for reading; the stored sums are exact)."})
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
                t.row(s.name(), s.status().name(), p.period().toString(), Money.count(p.sums().lineCount()),
                        Money.two(p.sums().billed()), Money.two(p.sums().effective()), Money.two(p.sums().list()),
                        s.message());
            }
        }
        spec.commandLine().getOut().print(t.render());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}

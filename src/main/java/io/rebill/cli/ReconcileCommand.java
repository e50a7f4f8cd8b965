package io.rebill.cli;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ReconciliationReport;
import io.rebill.shared.time.BillingPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "reconcile", description = "Compare stored sums with the input files' sums; fails when they differ.")
final class ReconcileCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--source", required = true)
    String source;

    @Option(names = "--period", description = "YYYY-MM; default: every stored period.")
    String period;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ReconciliationReport report = new Ingestion(parent.settings())
                .reconcile(source, Optional.ofNullable(period).map(BillingPeriod::parse));
        spec.commandLine().getOut().print(table(report));
        spec.commandLine().getOut().println(report.holds() ? "reconciliation holds" : "RECONCILIATION FAILS");
        spec.commandLine().getOut().flush();
        return report.holds() ? ExitCodes.OK : ExitCodes.RECONCILIATION;
    }

    static String table(ReconciliationReport report) {
        Table t = new Table("period", "column", "input", "stored", "difference", "ok");
        for (ReconciliationReport.Line l : report.lines()) {
            t.row(l.period().toString(), l.column(), l.input().toPlainString(), l.stored().toPlainString(),
                    l.difference().toPlainString(), l.holds() ? "yes" : "NO");
        }
        return t.render();
    }
}

package io.rebill.cli;

import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.BillResult;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.time.BillingPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "bill", description = "Bill one period with msp.yaml: per-customer invoices, margins, FOCUS line items, reconciliation.")
final class BillCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--config", required = true, description = "The billing configuration (msp.yaml).")
    Path config;

    @Option(names = "--period", required = true, description = "YYYY-MM")
    String period;

    @Option(names = "--out", required = true, description = "Folder for summary.csv, invoices/, line_items/, unassigned.csv, reconciliation.csv.")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "SOURCE_OR_FILE", description = "Ingested sources, or billing files (CUR, FOCUS, Azure, Google Cloud) to ingest first.")
    List<String> inputs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BillingPeriod p = BillingPeriod.parse(period);
        // first, so that CEL, DuckDB and the bill's database load in the background while msp.yaml and the line items
        // are read
        var billing = InvoiceAssembly.billing(parent.settings(), PredicateCompiler.cel()).openingScratchAhead();
        var config = BillingInputs.config(this.config);
        var files = BillingInputs.lineItems(parent.settings(), p, inputs, err);
        BillResult r = billing.bill(config, p, files, Optional.of(this.out),
                m -> {
                    err.println(m);
                    err.flush();
                });
        Table t = new Table("customer", "workflow", "lines", "cost", "charge", "margin", "margin %", "invoice", "currency");
        for (CustomerBill b : r.customers()) {
            t.row(b.customerId(), b.workflowId().orElse("-"), String.format("%,d", b.lineCount()), Money.two(b.cost()),
                    Money.two(b.charge()), Money.two(b.margin()), b.marginPercent().map(Money::two).orElse("-"),
                    b.invoiceTotal().toPlainString(), b.currency());
        }
        out.print(t.render());
        long unassignedLines = r.unassigned().stream().mapToLong(BillResult.Unassigned::lineCount).sum();
        if (unassignedLines > 0) {
            out.printf("unassigned: %,d lines in %d accounts (see unassigned.csv)%n", unassignedLines, r.unassigned().size());
        }
        r.claimedTwice().forEach(c -> out.printf("claimed twice: account %s by %s (%,d lines; billed to %s)%n",
                c.subAccountId(), c.customers(), c.lineCount(), c.customers().get(0)));
        r.warnings().forEach(w -> out.println("warning: " + w));
        out.println(r.reconciles() ? "reconciliation holds (reconciliation.csv)" : "RECONCILIATION FAILS (reconciliation.csv)");
        out.println("written to " + this.out.toAbsolutePath());
        out.flush();
        return r.reconciles() ? ExitCodes.OK : ExitCodes.RECONCILIATION;
    }
}

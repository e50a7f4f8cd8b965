package io.rebill.cli;

import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.BillDiff;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "diff", description = "Dry run: how a new msp.yaml changes cost, charge and margin per customer, and the lines that move most.")
final class DiffCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--config", required = true, arity = "1", description = "Give it twice: the current msp.yaml, then the new one.")
    List<Path> configs;

    @Option(names = "--period", required = true)
    String period;

    @Option(names = "--top", defaultValue = "20", description = "How many moving lines to list (default 20).")
    int top;

    @Parameters(arity = "1..*", paramLabel = "SOURCE_OR_FILE")
    List<String> inputs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (configs.size() != 2) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "give --config twice: the current file, then the new one");
        }
        PrintWriter out = spec.commandLine().getOut();
        BillingPeriod p = BillingPeriod.parse(period);
        var before = BillingInputs.config(configs.get(0));
        var after = BillingInputs.config(configs.get(1));
        var files = BillingInputs.lineItems(parent.settings(), p, inputs, spec.commandLine().getErr());
        BillDiff d = InvoiceAssembly.billing(parent.settings(), PredicateCompiler.cel()).diff(before, after, p, files, top, m -> { });
        Table t = new Table("customer", "cost before", "cost after", "charge before", "charge after", "charge change",
                "margin before", "margin after");
        for (BillDiff.CustomerChange c : d.customers()) {
            t.row(c.customerId(), Money.two(c.costBefore()), Money.two(c.costAfter()), Money.two(c.chargeBefore()),
                    Money.two(c.chargeAfter()), Money.two(c.chargeDelta()), Money.two(c.marginBefore()), Money.two(c.marginAfter()));
        }
        out.print(t.render());
        out.println();
        Table lines = new Table("line", "customer", "service", "charge type", "before", "after", "change");
        for (BillDiff.LineChange l : d.topLines()) {
            lines.row(l.lineId(), l.customerAfter() == null ? "(unassigned)" : l.customerAfter(), l.serviceName(), l.chargeType(),
                    l.chargeBefore() == null ? "-" : l.chargeBefore().stripTrailingZeros().toPlainString(),
                    l.chargeAfter() == null ? "-" : l.chargeAfter().stripTrailingZeros().toPlainString(),
                    l.delta().stripTrailingZeros().toPlainString());
        }
        out.print(lines.render());
        out.flush();
        return ExitCodes.OK;
    }
}

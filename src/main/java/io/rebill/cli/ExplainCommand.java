package io.rebill.cli;

import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.Explanation;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.time.BillingPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "explain", description = "For one line item id, the rules that touched it with the amount before and after each.")
final class ExplainCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--config", required = true)
    Path config;

    @Option(names = "--period", required = true)
    String period;

    @Option(names = "--line", required = true, description = "Line id as in x_LineId of the bill's line_items, e.g. payer-1/part-00000-42 (source, file, row).")
    String line;

    @Parameters(arity = "1..*", paramLabel = "SOURCE_OR_FILE")
    List<String> inputs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        BillingPeriod p = BillingPeriod.parse(period);
        var files = BillingInputs.lineItems(parent.settings(), p, inputs, spec.commandLine().getErr());
        Explanation e = InvoiceAssembly.billing(parent.settings(), PredicateCompiler.cel()).explain(BillingInputs.config(config), p, files, line);
        out.printf("line %s: account %s, %s, %s%n", e.lineId(), e.subAccountId(), e.serviceName(), e.chargeType());
        out.printf("customer: %s%s%n", e.customerId().orElse("(unassigned)"),
                e.claimedBy().size() > 1 ? " (also claimed by " + e.claimedBy().subList(1, e.claimedBy().size()) + ")" : "");
        out.printf("workflow: %s%n", e.workflowId().orElse("-"));
        out.printf("cost: %s%n", e.cost().stripTrailingZeros().toPlainString());
        for (Explanation.Step s : e.steps()) {
            out.printf("  %-20s %-40s %s -> %s%n", s.ruleId(), s.title(), s.before().stripTrailingZeros().toPlainString(),
                    s.after().stripTrailingZeros().toPlainString());
        }
        out.printf("charge: %s%s%n", e.charge().map(c -> c.stripTrailingZeros().toPlainString()).orElse("-"),
                e.excluded() ? " (excluded: not on the customer's invoice)" : "");
        out.flush();
        return ExitCodes.OK;
    }
}

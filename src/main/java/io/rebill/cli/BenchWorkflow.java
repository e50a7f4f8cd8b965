package io.rebill.cli;

import io.rebill.demo.DemoAccount;
import io.rebill.demo.GeneratorSpec;
import io.rebill.rules.Assignment;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.rules.Workflow;
import io.rebill.shared.time.BillingPeriod;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The benchmark's 7-rule workflow over every generated customer (docs/benchmarks.md): what `bench-step bill` bills and
 * what bench/seven-rule-invoices.sql computes by hand.
 */
final class BenchWorkflow {
    static final String PAYER = GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID;

    private BenchWorkflow() {
    }

    /** The accounts file the bench writes beside its data: {@code account_id,customer} per line after a header. */
    static List<DemoAccount> accounts(Path accountsCsv) throws IOException {
        List<String> lines = Files.readAllLines(accountsCsv);
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).map(p -> new DemoAccount(p[0], p[1], p.length > 2 ? p[2] : p[1])).toList();
    }

    static MspConfig config(List<DemoAccount> accounts, BillingPeriod period) {
        List<Customer> customers = DemoCommand.customers(accounts, "msp.example");
        List<Assignment> assignments = customers.stream().map(c -> new Assignment(c.id(), "bench", period)).toList();
        Scope edp = new Scope(List.of(), List.of(), List.of("EdpDiscount"), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty());
        Scope cloudFront = new Scope(List.of("AmazonCloudFront"), List.of(), List.of(), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty());
        Scope tuesdays = new Scope(List.of("AmazonEC2"), List.of(), List.of(), List.of(), List.of(),
                Optional.of("line.region_id.startsWith('us-east-') && line.charge_period_start.getDayOfWeek() == 2"),
                Optional.empty(), Optional.empty());
        List<Rule> rules = List.of(
                new Rule.ReplaceRiDiscount("ri", "RI at on-demand", Scope.EVERYTHING, List.of(PAYER)),
                new Rule.ReplaceSpDiscount("sp", "SP at on-demand", Scope.EVERYTHING, List.of(PAYER)),
                new Rule.Exclusion("edp", "No EDP", edp),
                new Rule.Adjustment("cf", "CloudFront at 90 %", cloudFront, new BigDecimal("90")),
                new Rule.Discount("tue", "EC2 2 % on Tuesdays in us-east", tuesdays, new BigDecimal("2")),
                new Rule.Uplift("up", "Uplift 3 %", Scope.EVERYTHING, new BigDecimal("3")),
                new Rule.Charge("fee", "Management fee", Scope.EVERYTHING, new Rule.Amount.PercentOfSubtotal(new BigDecimal("2.5"),
                        Optional.of(new BigDecimal("100"))), Rule.Frequency.MONTHLY,
                        new Rule.InvoiceLabel("Managed services", Optional.empty(), Optional.empty())));
        return new MspConfig("Bench MSP", "USD", customers, rules,
                List.of(new Workflow("bench", "Bench", Workflow.Basis.EFFECTIVE, rules.stream().map(Rule::id).toList())), assignments);
    }
}

package io.rebill.rules;

import io.rebill.ingestion.LineItemFixture;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.customer;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;

/** One golden scenario per rule kind and for compounding order; every expected amount is worked out in a comment. */
class RuleKindsGoldenTest {
    static final PredicateCompiler NO_CEL = e -> {
        throw new AssertionError("no CEL here: " + e);
    };
    static final Rule.InvoiceLabel FEE = new Rule.InvoiceLabel("Management fee", Optional.of("MSP Fee"), Optional.empty());

    @TempDir
    Path dir;

    private static Scope services(String... names) {
        return new Scope(List.of(names), List.of(), List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static Scope from(String start) {
        return new Scope(List.of(), List.of(), List.of(), List.of(), List.of(), Optional.empty(),
                Optional.of(BillingPeriod.parse(start)), Optional.empty());
    }

    private CustomerBill bill(Workflow.Basis basis, List<LineItemFixture> lines, Rule... rules) {
        MspConfig config = new MspConfig("MSP", "USD",
                List.of(new Customer("acme", "Acme", "a@acme.test", List.of("111111111111"), Optional.empty())),
                List.of(rules),
                List.of(new Workflow("w", "W", basis, java.util.Arrays.stream(rules).map(Rule::id).toList())),
                List.of(new Assignment("acme", "w", GoldenBills.SEPT)));
        BillResult r = GoldenBills.bill(dir, config, NO_CEL, lines, Optional.empty());
        assertThat(r.reconciles()).isTrue();
        return customer(r, "acme");
    }

    private static List<String> invoice(CustomerBill b) {
        return b.invoice().stream().map(l -> l.kind() + " " + l.service() + " " + l.amount().toPlainString()).toList();
    }

    private static LineItemFixture ec2(String cost) {
        return aLineItem().account("111111111111").cost(cost).list(cost, cost);
    }

    @Test
    void adjustmentShowsThePercentageAsIfNative() {
        // CloudFront 40.00 at 75 % = 30.00; EC2 10 untouched
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, List.of(
                        aLineItem().account("111111111111").product("AmazonCloudFront", "Amazon CloudFront").cost("40").list("40", "40"),
                        ec2("10")),
                new Rule.Adjustment("cf", "CloudFront re-rating", services("Amazon CloudFront"), d("75.0")));
        assertThat(invoice(b)).containsExactly("SERVICE Amazon CloudFront 30.00", "SERVICE Amazon Elastic Compute Cloud 10.00");
        assertThat(b.cost().stripTrailingZeros().toPlainString()).isEqualTo("50");
        assertThat(b.margin().stripTrailingZeros().toPlainString()).isEqualTo("-10");
    }

    @Test
    void discountByServiceCodeLeavesTaxAlone() {
        // AmazonEC2 50 - 2 % = 49.00; the tax line 5 stays 5 (default scope leaves out Tax)
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, List.of(ec2("50"),
                        aLineItem().account("111111111111").type("Tax").cost("5").list("0", "0")),
                new Rule.Discount("d2", "EC2 2 %", services("AmazonEC2"), d("2")));
        assertThat(invoice(b)).containsExactly("SERVICE Amazon Elastic Compute Cloud 54.00");
        assertThat(b.charge().stripTrailingZeros().toPlainString()).isEqualTo("54");
    }

    @Test
    void rerateToListRemovesPrivatePricing() {
        // usage effective 6 with list 10 -> 10; an EDP line (list 0) is not usage with a list price: stays -1
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, List.of(
                        aLineItem().account("111111111111").cost("6").list("10", "10"),
                        aLineItem().account("111111111111").type("EdpDiscount").cost("-1").list("0", "0")),
                new Rule.RerateToList("list", "Public prices", Scope.EVERYTHING));
        assertThat(b.charge().stripTrailingZeros().toPlainString()).isEqualTo("9");
    }

    @Test
    void freeTierIsChargedAtTheFirstPaidRate() {
        // 1000 free requests of sku S at 0 with no own rate; the SKU's paid line has rate 0.02 -> 20.00
        // 3 free hours of sku P; the price list says 0.5 -> 1.50; the paid line 2 stays 2
        CustomerBill b = bill(Workflow.Basis.BILLED, List.of(
                        aLineItem().account("111111111111").resource("free-s").cost("0").quantity("1000").list("0", "0").sku("S"),
                        aLineItem().account("111111111111").resource("paid-s").cost("2").quantity("100").list("2", "0.02").sku("S"),
                        aLineItem().account("111111111111").resource("free-p").cost("0").quantity("3").list("0", "0").sku("P")),
                new Rule.RemoveFreeTier("free", "Free tier", Scope.EVERYTHING, Map.of("P", d("0.5"))));
        assertThat(b.charge().stripTrailingZeros().toPlainString()).isEqualTo("23.5");
    }

    @Test
    void chargesAndCreditsAreTheirOwnLines() {
        // usage 100; monthly fee 150; 5 % of subtotal 100 = 5 below the minimum 10 -> 10; one-time credit 25 this month
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, List.of(ec2("100")),
                new Rule.Charge("fee", "Management fee", Scope.EVERYTHING, new Rule.Amount.Fixed(d("150")),
                        Rule.Frequency.MONTHLY, FEE),
                new Rule.Charge("pct", "Support 5 %", services("AmazonEC2"), new Rule.Amount.PercentOfSubtotal(d("5"),
                        Optional.of(d("10"))), Rule.Frequency.MONTHLY, new Rule.InvoiceLabel("Support", Optional.empty(), Optional.empty())),
                new Rule.Credit("welcome", "Onboarding credit", from("2024-09"), new Rule.Amount.Fixed(d("25")),
                        Rule.Frequency.ONE_TIME, new Rule.InvoiceLabel("Onboarding credit", Optional.empty(), Optional.empty())),
                new Rule.Credit("old", "Last month's credit", from("2024-08"), new Rule.Amount.Fixed(d("99")),
                        Rule.Frequency.ONE_TIME, new Rule.InvoiceLabel("Old credit", Optional.empty(), Optional.empty())));
        assertThat(invoice(b)).containsExactly("SERVICE Amazon Elastic Compute Cloud 100.00", "CHARGE Management fee 150.00",
                "CHARGE Support 10.00", "CREDIT Onboarding credit -25.00");
        assertThat(b.invoiceTotal().toPlainString()).isEqualTo("235.00");
        assertThat(b.invoice().get(1).category()).isEqualTo("MSP Fee");
    }

    @Test
    void rulesCompoundInOrder() {
        // uplift 10 % then a 10 % fee of the subtotal: 100 -> 110, fee 11
        CustomerBill upliftFirst = bill(Workflow.Basis.EFFECTIVE, List.of(ec2("100")),
                new Rule.Uplift("up", "Uplift", Scope.EVERYTHING, d("10")),
                new Rule.Charge("fee", "Fee", Scope.EVERYTHING, new Rule.Amount.PercentOfSubtotal(d("10"), Optional.empty()),
                        Rule.Frequency.MONTHLY, FEE));
        assertThat(invoice(upliftFirst)).containsExactly("SERVICE Amazon Elastic Compute Cloud 110.00", "CHARGE Management fee 11.00");
    }

    @Test
    void feeBeforeUpliftSeesTheSmallerSubtotal() {
        // fee first: 10 % of 100 = 10, then uplift 10 %: 110; the fee line is not uplifted
        CustomerBill feeFirst = bill(Workflow.Basis.EFFECTIVE, List.of(ec2("100")),
                new Rule.Charge("fee", "Fee", Scope.EVERYTHING, new Rule.Amount.PercentOfSubtotal(d("10"), Optional.empty()),
                        Rule.Frequency.MONTHLY, FEE),
                new Rule.Uplift("up", "Uplift", Scope.EVERYTHING, d("10")));
        assertThat(invoice(feeFirst)).containsExactly("SERVICE Amazon Elastic Compute Cloud 110.00", "CHARGE Management fee 10.00");
    }

    @Test
    void aProductRoundedAtTwentyFourPlacesIsRoundedLineByLine() {
        // costs of 1E-24 (stored at 24 places) at 50 %: each line's 5E-25 rounds half-up to 1E-24, so the three lines
        // are charged 3E-24; halving their sum would give 1.5E-24, rounded to 2E-24 (the bill must not sum first here)
        String tiny = "0.000000000000000000000001";
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, List.of(ec2(tiny), ec2(tiny), ec2(tiny)),
                new Rule.Adjustment("half", "Half", Scope.EVERYTHING, d("50")));
        assertThat(b.charge().toPlainString()).isEqualTo("0.000000000000000000000003");
        assertThat(b.cost().toPlainString()).isEqualTo("0.000000000000000000000003");
    }

    @Test
    void aWorkflowWithMoreConditionsThanTheGroupedKeyHoldsIsBilledExactly() {
        // 62 rules that select nothing fill the grouped run's key; the two that follow need bits of their own
        List<Rule> rules = new java.util.ArrayList<>();
        for (int i = 0; i < 62; i++) {
            rules.add(new Rule.Adjustment("none" + i, "Nothing " + i, services("NoSuchService"), d("100")));
        }
        rules.add(new Rule.Adjustment("ec2", "EC2 at half", services("AmazonEC2"), d("50")));
        rules.add(new Rule.Adjustment("cf", "CloudFront doubled", services("AmazonCloudFront"), d("200")));
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, List.of(ec2("10"),
                        aLineItem().account("111111111111").product("AmazonCloudFront", "Amazon CloudFront").cost("40").list("40", "40")),
                rules.toArray(Rule[]::new));
        assertThat(invoice(b)).containsExactly("SERVICE Amazon CloudFront 80.00", "SERVICE Amazon Elastic Compute Cloud 5.00");
    }

    @Test
    void roundingHappensOncePerInvoiceLine() {
        // three lines of 0.004 each: 0.012 -> 0.01 once; rounding each line first would give 0.00
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, List.of(ec2("0.004"), ec2("0.004"), ec2("0.004")));
        assertThat(invoice(b)).containsExactly("SERVICE Amazon Elastic Compute Cloud 0.01");
        // 1.005 rounds half-up to 1.01
        CustomerBill half = bill(Workflow.Basis.EFFECTIVE, List.of(ec2("1.005")));
        assertThat(half.invoiceTotal().toPlainString()).isEqualTo("1.01");
    }

    @Test
    void explainTellsEachRuleWithBeforeAndAfter() {
        MspConfig config = new MspConfig("MSP", "USD",
                List.of(new Customer("acme", "Acme", "a@acme.test", List.of("111111111111"), Optional.empty())),
                List.of(new Rule.Adjustment("half", "Half", Scope.EVERYTHING, d("50")),
                        new Rule.Uplift("up", "Uplift 3 %", Scope.EVERYTHING, d("3"))),
                List.of(new Workflow("w", "W", Workflow.Basis.EFFECTIVE, List.of("half", "up"))),
                List.of(new Assignment("acme", "w", GoldenBills.SEPT)));
        var ingestion = new io.rebill.ingestion.Ingestion(io.rebill.shared.config.RebillSettings.at(dir.resolve("home")));
        ingestion.ingest("payer", List.of(io.rebill.ingestion.TestFiles.curCsv(List.of(ec2("10")), dir.resolve("c.csv"))),
                io.rebill.ingestion.ProgressListener.silent());
        Billing billing = InvoiceAssembly.billing(ingestion.settings(), NO_CEL);
        Explanation e = billing.explain(config, GoldenBills.SEPT, ingestion.lineItemFiles("payer", GoldenBills.SEPT), "payer/part-00000-0");
        assertThat(e.customerId()).contains("acme");
        assertThat(e.steps()).extracting(s -> s.ruleId() + " " + s.title() + " " + s.before().stripTrailingZeros().toPlainString()
                + " -> " + s.after().stripTrailingZeros().toPlainString()).containsExactly("half Half 10 -> 5", "up Uplift 3 % 5 -> 5.15");
        assertThat(e.charge().orElseThrow().stripTrailingZeros().toPlainString()).isEqualTo("5.15");

        MspConfig cheaper = new MspConfig("MSP", "USD", config.customers(), config.rules(),
                List.of(new Workflow("w", "W", Workflow.Basis.EFFECTIVE, List.of("half"))), config.assignments());
        BillDiff diff = billing.diff(config, cheaper, GoldenBills.SEPT, ingestion.lineItemFiles("payer", GoldenBills.SEPT), 10, m -> { });
        assertThat(diff.customers()).singleElement().satisfies(c ->
                assertThat(c.chargeDelta().stripTrailingZeros().toPlainString()).isEqualTo("-0.15"));
        assertThat(diff.topLines()).singleElement().satisfies(l ->
                assertThat(l.delta().stripTrailingZeros().toPlainString()).isEqualTo("-0.15"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> billing.explain(config, GoldenBills.SEPT,
                        ingestion.lineItemFiles("payer", GoldenBills.SEPT), "payer/part-00000-99"))
                .hasMessageContaining("no line item 'payer/part-00000-99'");
    }
}

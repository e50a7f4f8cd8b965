package io.rebill.rules;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.chargeTypes;
import static io.rebill.rules.GoldenBills.customer;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's first workflow: replace RI discount with public on-demand when bought by the payer; the same for
 * Savings Plans; remove the EDP discount; uplift everything by 3 %. Expected amounts worked out by hand below.
 */
class SeedWorkflowGoldenTest {
    static final String PAYER = "999988887777";
    static final String PAYER_RI = "arn:aws:ec2:us-east-1:" + PAYER + ":reserved-instances/ri-payer";
    static final String OWN_RI = "arn:aws:ec2:us-east-1:111111111111:reserved-instances/ri-own";
    static final String PAYER_SP = "arn:aws:savingsplans::" + PAYER + ":savingsplan/sp-payer";
    static final PredicateCompiler NO_CEL = e -> {
        throw new AssertionError("no CEL in this scenario: " + e);
    };

    @TempDir
    Path dir;

    MspConfig config() {
        return new MspConfig("Cloudy MSP", "USD",
                List.of(new Customer("acme", "Acme", "ops@acme.test", List.of("111111111111"), Optional.empty()),
                        new Customer("globex", "Globex", "it@globex.test", List.of("222222222222"), Optional.empty())),
                List.of(new Rule.ReplaceRiDiscount("ri", "RI at on-demand when bought by the payer", Scope.EVERYTHING, List.of(PAYER)),
                        new Rule.ReplaceSpDiscount("sp", "SP at on-demand when bought by the payer", Scope.EVERYTHING, List.of(PAYER)),
                        new Rule.Exclusion("edp", "Remove EDP discount", chargeTypes("EdpDiscount")),
                        new Rule.Uplift("uplift", "Uplift 3 %", Scope.EVERYTHING, d("3"))),
                List.of(new Workflow("standard", "Standard", Workflow.Basis.EFFECTIVE, List.of("ri", "sp", "edp", "uplift"))),
                List.of(new Assignment("acme", "standard", GoldenBills.SEPT), new Assignment("globex", "standard", GoldenBills.SEPT)));
    }

    List<io.rebill.ingestion.LineItemFixture> lines() {
        return List.of(
                // acme: usage 10 -> 10.30
                aLineItem().account("111111111111").cost("10").list("10", "10"),
                // acme: payer's RI, effective 6 -> list 10 -> 10.30
                aLineItem().account("111111111111").type("DiscountedUsage").cost("0").list("10", "10").reservation(PAYER_RI, "6"),
                // acme: its own RI's unused fee is not the payer's: effective 2 -> 2.06
                aLineItem().account("111111111111").type("RIFee").cost("30").list("0", "0").reservation(OWN_RI, null).riUnused("1.5", "0.5"),
                // acme: payer's SP, effective 5 -> list 8 -> 8.24
                aLineItem().account("111111111111").type("SavingsPlanCoveredUsage").cost("8").list("8", "8").savingsPlan(PAYER_SP, "5"),
                aLineItem().account("111111111111").type("SavingsPlanNegation").cost("-8").list("0", "0").savingsPlan(PAYER_SP, null),
                // acme: EDP removed
                aLineItem().account("111111111111").type("EdpDiscount").cost("-1.5").list("0", "0"),
                // acme: tax is not uplifted
                aLineItem().account("111111111111").type("Tax").product("AmazonS3", "Amazon Simple Storage Service").cost("2").list("0", "0"),
                // globex: 100 -> 103, EDP removed
                aLineItem().account("222222222222").cost("100").list("100", "100"),
                aLineItem().account("222222222222").type("EdpDiscount").cost("-3").list("0", "0"),
                // nobody's account: unassigned, reported
                aLineItem().account("333333333333").cost("7").list("7", "7"));
    }

    @Test
    void invoicesMarginsAndReconciliation() {
        BillResult r = GoldenBills.bill(dir, config(), NO_CEL, lines(), Optional.of(dir.resolve("out")));
        CustomerBill acme = customer(r, "acme");
        assertThat(acme.cost().stripTrailingZeros().toPlainString()).isEqualTo("23.5");
        assertThat(acme.charge().stripTrailingZeros().toPlainString()).isEqualTo("32.9");
        assertThat(acme.margin().stripTrailingZeros().toPlainString()).isEqualTo("9.4");
        assertThat(acme.marginPercent().orElseThrow().toPlainString()).isEqualTo("40.0000000000");
        assertThat(acme.invoice()).extracting(l -> l.kind() + " " + l.service() + " " + l.amount().toPlainString())
                .containsExactly("SERVICE Amazon Elastic Compute Cloud 30.90", "SERVICE Amazon Simple Storage Service 2.00");
        assertThat(acme.invoiceTotal().toPlainString()).isEqualTo("32.90");

        CustomerBill globex = customer(r, "globex");
        assertThat(globex.charge().stripTrailingZeros().toPlainString()).isEqualTo("103");
        assertThat(globex.cost().stripTrailingZeros().toPlainString()).isEqualTo("97");
        assertThat(globex.marginPercent().orElseThrow().toPlainString()).isEqualTo("6.1855670103");
        assertThat(globex.invoiceTotal().toPlainString()).isEqualTo("103.00");

        assertThat(r.unassigned()).singleElement().satisfies(u -> {
            assertThat(u.subAccountId()).isEqualTo("333333333333");
            assertThat(u.effective().stripTrailingZeros().toPlainString()).isEqualTo("7");
        });
        assertThat(r.reconciles()).isTrue();
        assertThat(r.reconciliation()).filteredOn(x -> x.basis().equals("effective")).singleElement()
                .satisfies(x -> assertThat(x.ingested().stripTrailingZeros().toPlainString()).isEqualTo("127.5"));
    }

    @Test
    void twoPayersInOneExportAreEachReconciledOnTheirOwn() {
        // the bill groups its lines by payer only when they have more than one (RunChain's constant keys)
        List<io.rebill.ingestion.LineItemFixture> lines = List.of(
                aLineItem().payer("444444444444").account("111111111111").cost("10").list("10", "10"),
                aLineItem().payer("555555555555").account("222222222222").cost("100").list("100", "100"),
                aLineItem().payer("555555555555").account("333333333333").cost("7").list("7", "7"));
        BillResult r = GoldenBills.bill(dir, config(), NO_CEL, lines, Optional.empty());
        assertThat(r.reconciles()).isTrue();
        assertThat(r.reconciliation()).filteredOn(x -> x.basis().equals("effective"))
                .extracting(x -> x.billingAccountId() + " " + x.customers().stripTrailingZeros().toPlainString() + " "
                        + x.unassigned().stripTrailingZeros().toPlainString() + " "
                        + x.ingested().stripTrailingZeros().toPlainString())
                .containsExactly("444444444444 10 0 10", "555555555555 100 7 107");
        assertThat(customer(r, "globex").charge().stripTrailingZeros().toPlainString()).isEqualTo("103");
    }

    @Test
    void writesTheBillsFiles() throws Exception {
        Path out = dir.resolve("out");
        GoldenBills.bill(dir, config(), NO_CEL, lines(), Optional.of(out));
        assertThat(Files.readAllLines(out.resolve("summary.csv"))).containsExactly(
                "customer_id,billing_period,cost,charge,margin,margin_pct,invoice_total,currency",
                "acme,2024-09,23.5000000000,32.9000000000,9.4000000000,40.0000000000,32.90,USD",
                "globex,2024-09,97.0000000000,103.0000000000,6.0000000000,6.1855670103,103.00,USD");
        assertThat(Files.readAllLines(out.resolve("invoices/acme.csv"))).containsExactly(
                "customer_id,billing_period,line_type,service,category,sub_category,amount,currency",
                "acme,2024-09,service,Amazon Elastic Compute Cloud,,,30.90,USD",
                "acme,2024-09,service,Amazon Simple Storage Service,,,2.00,USD");
        assertThat(String.join("\n", Files.readAllLines(out.resolve("invoices/acme.csv")))).doesNotContain("EDP", "edp");
        assertThat(Files.readAllLines(out.resolve("unassigned.csv"))).hasSize(2);
        assertThat(Files.readAllLines(out.resolve("reconciliation.csv"))).hasSize(4).allMatch(l -> l.endsWith("true") || l.endsWith("holds"));
        assertThat(out.resolve("line_items/acme.parquet")).exists();
    }
}

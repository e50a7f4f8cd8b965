package io.rebill.rules;

import io.rebill.TestData;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.rules.cel.CelSql;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.customer;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;

/** CEL in rules and customers: the seed's unusual EC2 discount, tag-matched customers, lines claimed twice. */
class ConditionalAndMatchGoldenTest {
    @TempDir
    Path dir;

    static final String TUESDAYS_IN_US_EAST_SUMMERS_OF_ODD_YEARS = "line.region_id.startsWith('us-east-')"
            + " && line.charge_period_start.getDayOfWeek() == 2"
            + " && line.charge_period_start.getMonth() >= 5 && line.charge_period_start.getMonth() <= 7"
            + " && line.charge_period_start.getFullYear() % 2 == 1";

    @Test
    void ec2DiscountOnTuesdaysInUsEastInSummerOfOddYears() {
        Scope scope = new Scope(List.of("AmazonEC2"), List.of(), List.of(), List.of(), List.of(),
                Optional.of(TUESDAYS_IN_US_EAST_SUMMERS_OF_ODD_YEARS), Optional.empty(), Optional.empty());
        MspConfig config = new MspConfig("MSP", "USD",
                List.of(new Customer("acme", "Acme", "a@acme.test", List.of("111111111111"), Optional.empty())),
                List.of(new Rule.Discount("odd", "EC2 2 % on summer Tuesdays of odd years in us-east", scope, d("2"))),
                List.of(new Workflow("w", "W", Workflow.Basis.EFFECTIVE, List.of("odd"))),
                List.of(new Assignment("acme", "w", BillingPeriod.parse("2023-01"))));
        // 2023-07-04 is a Tuesday in an odd year's July: 100 -> 98. Same day in us-west-2: 100. Wednesday 5th: 100.
        var lines = List.of(
                aLineItem().account("111111111111").period("2023-07-01T00:00:00Z", "2023-08-01T00:00:00Z")
                        .usage("2023-07-04T10:00:00Z", "2023-07-04T11:00:00Z").cost("100").list("100", "100").resource("tue-east"),
                aLineItem().account("111111111111").period("2023-07-01T00:00:00Z", "2023-08-01T00:00:00Z").region("us-west-2")
                        .usage("2023-07-04T10:00:00Z", "2023-07-04T11:00:00Z").cost("100").list("100", "100").resource("tue-west"),
                aLineItem().account("111111111111").period("2023-07-01T00:00:00Z", "2023-08-01T00:00:00Z")
                        .usage("2023-07-05T10:00:00Z", "2023-07-05T11:00:00Z").cost("100").list("100", "100").resource("wed-east"));
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(io.rebill.ingestion.TestFiles.curCsv(lines, dir.resolve("c.csv"))), ProgressListener.silent());
        BillingPeriod july = BillingPeriod.parse("2023-07");
        BillResult r = InvoiceAssembly.billing(settings, PredicateCompiler.cel()).bill(config, july, ingestion.lineItemFiles("payer", july),
                Optional.empty(), m -> { });
        assertThat(customer(r, "acme").charge().stripTrailingZeros().toPlainString()).isEqualTo("298");
    }

    @Test
    void tagMatchedCustomersAndALineClaimedTwice() {
        // acme: its account 111 plus lines tagged customer=acme anywhere; shared: account 222 (which also holds an
        // acme-tagged line: claimed twice, billed to acme, the first in order)
        MspConfig config = new MspConfig("MSP", "USD",
                List.of(new Customer("acme", "Acme", "a@acme.test", List.of("111111111111"),
                                Optional.of("line.tags['customer'] == 'acme'")),
                        new Customer("shared", "Shared Co", "s@shared.test", List.of("222222222222"), Optional.empty())),
                List.of(),
                List.of(new Workflow("w", "W", Workflow.Basis.EFFECTIVE, List.of())),
                List.of(new Assignment("acme", "w", GoldenBills.SEPT), new Assignment("shared", "w", GoldenBills.SEPT)));
        BillResult r = GoldenBills.bill(dir, config, PredicateCompiler.cel(), List.of(
                aLineItem().account("111111111111").cost("10").list("10", "10"),
                // acme's own account and acme's tag: one claimant, not two
                aLineItem().account("111111111111").cost("5").list("5", "5").tag("customer", "acme"),
                aLineItem().account("222222222222").cost("20").list("20", "20").tag("customer", "acme"),
                aLineItem().account("222222222222").cost("30").list("30", "30").tag("customer", "other"),
                aLineItem().account("333333333333").cost("40").list("40", "40").tag("customer", "acme"),
                aLineItem().account("333333333333").cost("50").list("50", "50")), Optional.empty());
        assertThat(customer(r, "acme").charge().stripTrailingZeros().toPlainString()).isEqualTo("75");
        assertThat(customer(r, "shared").charge().stripTrailingZeros().toPlainString()).isEqualTo("30");
        assertThat(r.claimedTwice()).singleElement().satisfies(c -> {
            assertThat(c.subAccountId()).isEqualTo("222222222222");
            assertThat(c.customers()).containsExactly("acme", "shared");
            assertThat(c.lineCount()).isEqualTo(1);
        });
        assertThat(r.unassigned()).singleElement().satisfies(u -> {
            assertThat(u.subAccountId()).isEqualTo("333333333333");
            assertThat(u.effective().stripTrailingZeros().toPlainString()).isEqualTo("50");
        });
        assertThat(r.reconciles()).isTrue();
    }

    /** The real FOCUS sample billed with the annotated example configuration: every cent accounted for. */
    @Test
    void realFocusSampleReconcilesUnderTheExampleConfiguration() {
        MspConfig config = MspConfigFile.parse(Path.of("docs/examples/msp.yaml"), CelSql::compile);
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("focus", List.of(TestData.shared("focus-1.0-sample/focus_sample.csv")), ProgressListener.silent());
        BillingPeriod sept = BillingPeriod.parse("2024-09");
        BillResult r = InvoiceAssembly.billing(settings, PredicateCompiler.cel()).bill(config, sept, ingestion.lineItemFiles("focus", sept),
                Optional.of(dir.resolve("out")), m -> { });
        assertThat(r.reconciles()).isTrue();
        assertThat(r.reconciliation()).extracting(BillResult.Reconciliation::billingAccountId).contains("1234567890123");
        // none of the sample's accounts belong to the example's customers: everything is reported, nothing dropped
        assertThat(r.lines()).isEqualTo(999);
        assertThat(r.unassigned().stream().mapToLong(BillResult.Unassigned::lineCount).sum()
                + r.customers().stream().mapToLong(CustomerBill::lineCount).sum()).isEqualTo(999);
    }

    @Test
    void realCurWithTaxBilledToOneCustomerReconciles() {
        MspConfig config = new MspConfig("MSP", "USD",
                List.of(new Customer("canada", "Canada Co", "c@canada.test", List.of("123412340534"), Optional.empty())),
                List.of(new Rule.Uplift("up", "Uplift 3 %", Scope.EVERYTHING, d("3"))),
                List.of(new Workflow("w", "W", Workflow.Basis.BILLED, List.of("up"))),
                List.of(new Assignment("canada", "w", BillingPeriod.parse("2023-01"))));
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("cur", List.of(TestData.shared("cur-csv-anonymized/sample-anonymous-aws-export-dataset.csv")),
                ProgressListener.silent());
        BillingPeriod nov = BillingPeriod.parse("2023-11");
        BillResult r = InvoiceAssembly.billing(settings, PredicateCompiler.cel()).bill(config, nov, ingestion.lineItemFiles("cur", nov),
                Optional.empty(), m -> { });
        assertThat(r.reconciles()).isTrue();
        CustomerBill canada = customer(r, "canada");
        assertThat(canada.lineCount()).isPositive();
        // the tax lines are not uplifted: 1.03 x 1.6023086974 (non-tax, billed) + 0.08 (tax) = 1.730377958322 (Python decimal)
        assertThat(canada.charge().stripTrailingZeros().toPlainString()).isEqualTo("1.730377958322");
        assertThat(canada.invoiceTotal().toPlainString()).isEqualTo(canada.invoice().stream()
                .map(InvoiceLine::amount).reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add).toPlainString());
    }
}

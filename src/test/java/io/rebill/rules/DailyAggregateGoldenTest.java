package io.rebill.rules;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LineItemFixture;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.shared.config.RebillSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.SEPT;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The daily aggregate a bill run stores for reports (issue 12): for every customer the sum of its daily rows is its
 * invoice's exact total before rounding and the run's charge; the cost rows sum to the run's cost; an excluded line
 * is invisible (MSP cost only), an adjusted line shows its adjusted amount as if native, a charge and a credit are
 * rows of their own service on the period's first day, and lines nobody claims are the MSP's unassigned cost.
 */
class DailyAggregateGoldenTest {
    static final PredicateCompiler NO_CEL = e -> {
        throw new AssertionError("no CEL here: " + e);
    };

    @TempDir
    Path dir;

    private static Scope services(String... names) {
        return new Scope(List.of(names), List.of(), List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private static LineItemFixture on(String account, int day, String cost) {
        String start = String.format("2024-09-%02dT10:00:00Z", day);
        String end = String.format("2024-09-%02dT11:00:00Z", day);
        return aLineItem().account(account).usage(start, end).cost(cost).list(cost, cost);
    }

    private DailyBill billDaily(List<Rule> rules, List<LineItemFixture> lines) {
        MspConfig config = new MspConfig("MSP", "USD", List.of(
                new Customer("acme", "Acme", "a@acme.test", List.of("111111111111"), Optional.empty()),
                new Customer("globex", "Globex", "g@globex.test", List.of("222222222222"), Optional.empty())),
                rules,
                List.of(new Workflow("w", "W", Workflow.Basis.EFFECTIVE, rules.stream().map(Rule::id).toList())),
                List.of(new Assignment("acme", "w", SEPT)));
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(lines, dir.resolve("cur.csv"))), ProgressListener.silent());
        DailyBill bill = InvoiceAssembly.billing(settings, NO_CEL).billDaily(config, SEPT, ingestion.lineItemFiles("payer", SEPT),
                m -> { });
        assertThat(bill.result().reconciles()).isTrue();
        return bill;
    }

    private static final List<Rule> EVERY_KIND = List.of(
            new Rule.Exclusion("no-s3", "S3 is on us", services("AmazonS3")),
            new Rule.Adjustment("cf", "CloudFront re-rating", services("AmazonCloudFront"), d("75.0")),
            new Rule.Uplift("up", "Uplift 3 %", Scope.EVERYTHING, d("3")),
            new Rule.Charge("fee", "Management fee", Scope.EVERYTHING, new Rule.Amount.Fixed(d("100")),
                    Rule.Frequency.MONTHLY, new Rule.InvoiceLabel("Management fee", Optional.of("MSP Fee"),
                    Optional.empty())),
            new Rule.Credit("promo", "Promotional credit", Scope.EVERYTHING,
                    new Rule.Amount.PercentOfSubtotal(d("10"), Optional.empty()), Rule.Frequency.MONTHLY,
                    new Rule.InvoiceLabel("Promotional credit", Optional.of("Credits"), Optional.empty())));

    private static final List<LineItemFixture> LINES = List.of(
            on("111111111111", 3, "10.00"),
            on("111111111111", 4, "20.005").region("eu-west-1"),
            on("111111111111", 4, "40").product("AmazonCloudFront", "Amazon CloudFront"),
            on("111111111111", 5, "5").product("AmazonS3", "Amazon Simple Storage Service"),
            on("222222222222", 10, "7.123456"),
            on("222222222222", 11, "1.5").type("Tax"),
            on("333333333333", 12, "2.00"));

    private static BigDecimal sum(List<DailyCost> rows, Predicate<DailyCost> which,
                                  java.util.function.Function<DailyCost, BigDecimal> amount) {
        return rows.stream().filter(which).map(amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static Predicate<DailyCost> shownTo(String customer) {
        return r -> customer.equals(r.customerId()) && r.kind().customerVisible();
    }

    @Test
    void everyCustomersDailyRowsAddUpToItsInvoiceBeforeRoundingAndToTheRunsChargeAndCost() {
        DailyBill bill = billDaily(EVERY_KIND, LINES);
        for (CustomerBill c : bill.result().customers()) {
            BigDecimal exactInvoice = c.invoice().stream().map(InvoiceLine::exact).reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal daily = sum(bill.daily(), shownTo(c.customerId()), DailyCost::charge);
            assertThat(daily).as(c.customerId()).isEqualByComparingTo(exactInvoice).isEqualByComparingTo(c.charge());
            assertThat(sum(bill.daily(), r -> c.customerId().equals(r.customerId()), DailyCost::cost))
                    .as(c.customerId()).isEqualByComparingTo(c.cost());
        }
        // acme: EC2 10.00 + 20.005, CloudFront 40 x 75 % = 30, all +3 % = 61.80515; fee 100; credit 10 % of 161.80515
        CustomerBill acme = GoldenBills.customer(bill.result(), "acme");
        assertThat(sum(bill.daily(), shownTo("acme"), DailyCost::charge).stripTrailingZeros().toPlainString())
                .isEqualTo("145.624635");
        assertThat(acme.cost().stripTrailingZeros().toPlainString()).isEqualTo("75.005");
        // globex has no workflow: its lines as they are
        assertThat(sum(bill.daily(), shownTo("globex"), DailyCost::charge).stripTrailingZeros().toPlainString())
                .isEqualTo("8.623456");
    }

    @Test
    void rowsArePerDayServiceRegionAndKindWithExclusionsInvisibleAndChargesOnTheFirstDay() {
        List<DailyCost> rows = billDaily(EVERY_KIND, LINES).daily();
        List<String> acme = rows.stream().filter(shownTo("acme")).map(r -> r.day() + " " + r.kind() + " " + r.service()
                + " " + r.region() + " " + r.charge().stripTrailingZeros().toPlainString()).sorted().toList();
        assertThat(acme).containsExactly(
                "2024-09-01 CHARGE Management fee null 100",
                "2024-09-01 CREDIT Promotional credit null -16.180515",
                "2024-09-03 USAGE Amazon Elastic Compute Cloud us-east-1 10.3",
                "2024-09-04 USAGE Amazon CloudFront us-east-1 30.9",   // adjusted as if native: 40 x 75 % x 1.03
                "2024-09-04 USAGE Amazon Elastic Compute Cloud eu-west-1 20.60515");
        // the excluded S3 line: the MSP's cost only, charge 0, never a row a customer sees
        DailyCost s3 = rows.stream().filter(r -> r.service().equals("Amazon Simple Storage Service")).findFirst().orElseThrow();
        assertThat(s3.kind()).isEqualTo(DailyCost.Kind.EXCLUDED);
        assertThat(s3.kind().customerVisible()).isFalse();
        assertThat(s3.charge()).isZero();
        assertThat(s3.cost().stripTrailingZeros().toPlainString()).isEqualTo("5");
        // lines nobody claims are the MSP's unassigned cost
        DailyCost unassigned = rows.stream().filter(r -> r.kind() == DailyCost.Kind.UNASSIGNED).findFirst().orElseThrow();
        assertThat(unassigned.customerId()).isNull();
        assertThat(unassigned.day()).isEqualTo(LocalDate.of(2024, 9, 12));
        assertThat(unassigned.cost().stripTrailingZeros().toPlainString()).isEqualTo("2");
        assertThat(unassigned.subAccountId()).isEqualTo("333333333333");
        // charge type and the provider account are kept per row
        assertThat(rows.stream().filter(r -> "globex".equals(r.customerId())).map(r -> r.chargeType() + " "
                + r.subAccountId() + " " + r.day()).sorted().toList())
                .containsExactly("Tax 222222222222 2024-09-11", "Usage 222222222222 2024-09-10");
    }
}

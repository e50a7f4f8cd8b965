package io.rebill.cli;

import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.BillResult;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.InvoiceLine;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bill's baseline is the same work: bench/seven-rule-invoices.sql, written by hand, gives exactly the invoices the
 * product bills for the benchmark's 7-rule workflow on a generated month (every customer's lines, exact and rounded,
 * its cost and its charge).
 */
class SevenRuleBaselineTest {
    static final BillingPeriod PERIOD = BenchMonth.PERIOD;

    @TempDir
    Path dir;

    @Test
    void theHandWrittenQueryBillsEveryCustomerExactlyAsTheProduct() throws Exception {
        BenchMonth month = BenchMonth.ingested(dir, 7, 120_000, 40, 8);
        RebillSettings settings = month.settings();
        List<Path> stored = month.stored();
        MspConfig config = BenchWorkflow.config(month.accounts(), PERIOD);

        BillResult bill = InvoiceAssembly.billing(settings, PredicateCompiler.cel()).bill(config, PERIOD, stored, Optional.empty(), m -> { });
        List<SevenRuleBaseline.Line> hand;
        try (Connection duck = DuckDb.open(settings)) {
            assertEveryRuleHasLinesToActOn(duck, stored);
            hand = SevenRuleBaseline.run(duck, config, BenchWorkflow.PAYER, stored, Path.of(SevenRuleBaseline.FILE));
        }

        assertThat(bill.customers()).hasSize(8).allSatisfy(c -> assertThat(c.lineCount()).isPositive());
        // both sides of the fee's minimum are exercised: small customers pay 100, large ones 2.5 %
        List<BigDecimal> fees = bill.customers().stream().flatMap(c -> c.invoice().stream())
                .filter(l -> l.kind() == InvoiceLine.Kind.CHARGE).map(InvoiceLine::exact).toList();
        assertThat(fees).as("charges %s", bill.customers().stream().map(CustomerBill::charge).toList()).hasSize(8)
                .anyMatch(f -> f.compareTo(new BigDecimal("100")) == 0).anyMatch(f -> f.compareTo(new BigDecimal("100")) > 0);
        // the product lists customers in configuration order, the query by id: compared sorted, each line in full
        assertThat(describe(hand).stream().sorted().toList()).containsExactlyElementsOf(describe(bill).stream().sorted().toList());
    }

    /** Lines for every rule of the workflow, so that a wrong rule in the hand-written query cannot go unseen. */
    private static void assertEveryRuleHasLinesToActOn(Connection duck, List<Path> stored) throws Exception {
        String payer = BenchWorkflow.PAYER;
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT"
                + " count(*) FILTER (x_charge_type = 'DiscountedUsage' AND x_commitment_owner_account_id = '" + payer + "'),"
                + " count(*) FILTER (x_charge_type IN ('RIFee', 'Fee') AND commitment_discount_type = 'RI'),"
                + " count(*) FILTER (x_charge_type = 'SavingsPlanCoveredUsage' AND x_commitment_owner_account_id = '" + payer + "'),"
                + " count(*) FILTER (x_charge_type = 'SavingsPlanNegation'),"
                + " count(*) FILTER (x_charge_type = 'EdpDiscount'),"
                + " count(*) FILTER (x_service_code = 'AmazonCloudFront'),"
                + " count(*) FILTER (x_service_code = 'AmazonEC2' AND region_id LIKE 'us-east-%' AND dayofweek(charge_period_start) = 2),"
                + " count(*) FILTER (charge_category = 'Tax')"
                + " FROM " + io.rebill.ingestion.StoredLines.read(duck, stored, "").sql())) {
            rs.next();
            for (int i = 1; i <= 8; i++) {
                assertThat(rs.getLong(i)).as("lines of kind %d", i).isPositive();
            }
        }
    }

    private static List<String> describe(BillResult bill) {
        List<String> rows = new ArrayList<>();
        for (CustomerBill c : bill.customers()) {
            for (InvoiceLine l : c.invoice()) {
                rows.add(row(c.customerId(), l.kind() == InvoiceLine.Kind.SERVICE ? "service" : "charge", l.service(),
                        l.exact(), l.amount(), c.cost(), c.charge()));
            }
        }
        return rows;
    }

    private static List<String> describe(List<SevenRuleBaseline.Line> lines) {
        return lines.stream().map(l -> row(l.customerId(), l.kind(), l.label(), l.exact(), l.amount(), l.customerCost(),
                l.customerCharge())).toList();
    }

    /** Exact values without trailing zeros; amounts in cents (an amount with more places fails here). */
    private static String row(String customer, String kind, String label, BigDecimal exact, BigDecimal amount,
                              BigDecimal cost, BigDecimal charge) {
        return String.join(" | ", customer, kind, label, plain(exact), amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString(),
                "cost " + plain(cost), "charge " + plain(charge));
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }
}

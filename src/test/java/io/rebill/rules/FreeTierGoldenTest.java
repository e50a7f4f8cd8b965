package io.rebill.rules;

import io.rebill.ingestion.LineItemFixture;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.internal.BillingRun;
import io.rebill.rules.internal.ReferenceBilling;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.customer;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * remove_free_tier re-rates free-tier usage only: usage a reservation or savings plan covers costs 0 too, but the
 * commitment paid for it, and it is not free tier (spec §3). Scenarios in CUR and in FOCUS input; every expected
 * amount is worked out in a comment.
 */
class FreeTierGoldenTest {
    static final String ACCOUNT = "111111111111";
    static final String RI_ARN = "arn:aws:ec2:us-east-1:444455556666:reserved-instances/ri-1";
    static final String SP_ARN = "arn:aws:savingsplans::999988887777:savingsplan/sp-1";

    @TempDir
    Path dir;

    private CustomerBill bill(Workflow.Basis basis, GoldenBills.Format format, List<LineItemFixture> lines) {
        Rule free = new Rule.RemoveFreeTier("free", "Free tier", Scope.EVERYTHING, Map.of());
        MspConfig config = new MspConfig("MSP", "USD",
                List.of(new Customer("acme", "Acme", "a@acme.test", List.of(ACCOUNT), Optional.empty())),
                List.of(free), List.of(new Workflow("w", "W", basis, List.of("free"))),
                List.of(new Assignment("acme", "w", GoldenBills.SEPT)));
        BillResult r = GoldenBills.bill(dir, config, RuleKindsGoldenTest.NO_CEL, lines, Optional.empty(), format);
        assertThat(r.reconciles()).isTrue();
        return customer(r, "acme");
    }

    private static List<String> invoice(CustomerBill b) {
        return b.invoice().stream().map(l -> l.kind() + " " + l.service() + " " + l.amount().toPlainString()).toList();
    }

    /** 1000 free requests of SKU S, whose paid line has the rate 0.02, and 100 paid ones at 2. */
    private static List<LineItemFixture> freeAndPaid() {
        return List.of(
                aLineItem().account(ACCOUNT).resource("free").sku("S").cost("0").quantity("1000").list("0", "0"),
                aLineItem().account(ACCOUNT).resource("paid").sku("S").cost("2").quantity("100").list("2", "0.02"));
    }

    /** 10 hours an RI covers, as CUR writes them: DiscountedUsage, unblended cost 0, a public rate of 0.096. */
    private static LineItemFixture riCovered() {
        return aLineItem().account(ACCOUNT).type("DiscountedUsage").resource("i-ri").sku("R").cost("0").quantity("10")
                .list("0.96", "0.096").reservation(RI_ARN, "0.61");
    }

    /**
     * Free and paid usage, RI-covered usage, and 4 hours a savings plan covers as CUR writes them: unblended cost the
     * on-demand 0.384 (effective 0.26) and a SavingsPlanNegation of -0.384 (effective 0).
     */
    private static List<LineItemFixture> curLines() {
        return with(freeAndPaid(), riCovered(),
                aLineItem().account(ACCOUNT).type("SavingsPlanCoveredUsage").resource("i-sp").sku("P").cost("0.384")
                        .quantity("4").list("0.384", "0.096").savingsPlan(SP_ARN, "0.26"),
                aLineItem().account(ACCOUNT).type("SavingsPlanNegation").resource("i-sp").sku("P").cost("-0.384")
                        .quantity("4").list("0", "0").savingsPlan(SP_ARN, null));
    }

    private static List<LineItemFixture> with(List<LineItemFixture> base, LineItemFixture... more) {
        List<LineItemFixture> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void eachSignOfACommitmentAloneKeepsALineOutOfFreeTier() throws Exception {
        // five usage lines of 10 units at cost 0 with a public rate of 0.1: only the one that no commitment covers is
        // free tier (10 x 0.1 = 1); a commitment id alone, the status Used alone (FOCUS of any provider), or CUR's
        // DiscountedUsage or SavingsPlanCoveredUsage type alone each keep a line at 0, in the engine and the reference
        List<Map<String, Object>> lines = List.of(
                usageAtZero("Usage", null, null), usageAtZero("Usage", "ri-1", null), usageAtZero("Usage", null, "Used"),
                usageAtZero("DiscountedUsage", null, null), usageAtZero("SavingsPlanCoveredUsage", null, null));
        MspConfig config = new MspConfig("MSP", "USD",
                List.of(new Customer("a", "A", "a@x", List.of("111"), Optional.empty())),
                List.of(new Rule.RemoveFreeTier("free", "Free tier", Scope.EVERYTHING, Map.of())),
                List.of(new Workflow("w", "W", Workflow.Basis.EFFECTIVE, List.of("free"))),
                List.of(new Assignment("a", "w", GoldenBills.SEPT)));
        List<String> expected = List.of("signs-0 1", "signs-1 0", "signs-2 0", "signs-3 0", "signs-4 0");
        RebillSettings settings = RebillSettings.at(dir);
        try (Connection duck = DuckDb.open(settings)) {
            Path file = EngineMatchesReferenceTest.write(duck, lines, dir.resolve("signs.parquet"), 24);
            new BillingRun(duck, config, GoldenBills.SEPT, List.of(file), RuleKindsGoldenTest.NO_CEL,
                    new InvoiceAssembly(), m -> { }).keepingLines("line_id").run();
            List<String> engine = new ArrayList<>();
            try (Statement s = duck.createStatement();
                 ResultSet rs = s.executeQuery("SELECT line_id, charge FROM billed ORDER BY line_id")) {
                while (rs.next()) {
                    engine.add(rs.getString(1) + " " + EngineMatchesReferenceTest.plain(rs.getBigDecimal(2)));
                }
            }
            assertThat(engine).isEqualTo(expected);
        }
        List<Map<String, Object>> withIds = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> line = new HashMap<>(lines.get(i));
            line.put("line_id", "signs-" + i);
            withIds.add(line);
        }
        assertThat(new ReferenceBilling(config, GoldenBills.SEPT, EngineMatchesReferenceTest.NO_CEL_REF)
                .bill(withIds).lines().stream().map(o -> o.lineId() + " " + EngineMatchesReferenceTest.plain(o.charge()))
                .sorted().toList()).isEqualTo(expected);
    }

    private static Map<String, Object> usageAtZero(String type, String commitmentId, String status) {
        Map<String, Object> l = new HashMap<>();
        l.put("billing_period", "2024-09");
        l.put("billing_account_id", "999");
        l.put("sub_account_id", "111");
        l.put("service_name", "Amazon Elastic Compute Cloud");
        l.put("charge_category", "Usage");
        l.put("x_charge_type", type);
        l.put("commitment_discount_id", commitmentId);
        l.put("commitment_discount_status", status);
        l.put("sku_id", "X");
        l.put("billed_cost", BigDecimal.ZERO);
        l.put("effective_cost", BigDecimal.ZERO);
        l.put("list_cost", new BigDecimal("1"));
        l.put("list_unit_price", new BigDecimal("0.1"));
        l.put("consumed_quantity", BigDecimal.TEN);
        l.put("billing_currency", "USD");
        l.put("charge_period_start", LocalDateTime.of(2024, 9, 3, 10, 0));
        return l;
    }

    @Test
    void riCoveredUsageInCurKeepsItsAmortisedCost() {
        // free 1000 x 0.02 = 20.00; paid 2; DiscountedUsage keeps its effective (amortised) 0.61, not 10 x 0.096 = 0.96;
        // a savings plan's covered usage (unblended = on demand 0.384, effective 0.26) and its negation (effective 0)
        // keep theirs: 20 + 2 + 0.61 + 0.26 + 0 = 22.87
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, GoldenBills.Format.CUR, curLines());
        assertThat(invoice(b)).containsExactly("SERVICE Amazon Elastic Compute Cloud 22.87");
        // cost 0 + 2 + 0.61 + 0.26 + 0 = 2.87; the margin is the free tier's 20 alone
        assertThat(b.cost().stripTrailingZeros().toPlainString()).isEqualTo("2.87");
        assertThat(b.margin().stripTrailingZeros().toPlainString()).isEqualTo("20");
    }

    @Test
    void anAthenaParquetExportIsBilledLikeItsCsv() {
        // the first scenario's lines as AWS's Athena integration writes them (every column text, '' for no value, so
        // the RI and SP columns of the usage lines are ''): the same 22.87
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, GoldenBills.Format.CUR_ATHENA_PARQUET, curLines());
        assertThat(invoice(b)).containsExactly("SERVICE Amazon Elastic Compute Cloud 22.87");
        assertThat(b.margin().stripTrailingZeros().toPlainString()).isEqualTo("20");
    }

    @Test
    void riCoveredUsageOnTheBilledBasisStaysZero() {
        // billed basis: DiscountedUsage is billed 0 and stays 0 (not 0.96); free 20 + paid 2 = 22.00
        CustomerBill b = bill(Workflow.Basis.BILLED, GoldenBills.Format.CUR, with(freeAndPaid(), riCovered()));
        assertThat(invoice(b)).containsExactly("SERVICE Amazon Elastic Compute Cloud 22.00");
    }

    @Test
    void riAndSpCoveredUsageInFocusIsNotFreeTier() {
        // FOCUS bills covered usage at 0 (BilledCost 0, CommitmentDiscountStatus Used), the savings plan's too:
        // free 20 + paid 2 + RI-covered 0.61 + SP-covered 0.26 (not 4 x 0.096 = 0.384) = 22.87
        CustomerBill b = bill(Workflow.Basis.EFFECTIVE, GoldenBills.Format.FOCUS, with(freeAndPaid(), riCovered(),
                aLineItem().account(ACCOUNT).type("SavingsPlanCoveredUsage").resource("i-sp").sku("P").cost("0")
                        .quantity("4").list("0.384", "0.096").savingsPlan(SP_ARN, "0.26")));
        assertThat(invoice(b)).containsExactly("SERVICE Amazon Elastic Compute Cloud 22.87");
        assertThat(b.margin().stripTrailingZeros().toPlainString()).isEqualTo("20");
    }

    @Test
    void spCoveredUsageInFocusOnTheBilledBasisStaysZero() {
        // billed basis: the covered lines are billed 0 and stay 0; free 20 + paid 2 = 22.00 (not 22 + 0.96 + 0.384)
        CustomerBill b = bill(Workflow.Basis.BILLED, GoldenBills.Format.FOCUS, with(freeAndPaid(), riCovered(),
                aLineItem().account(ACCOUNT).type("SavingsPlanCoveredUsage").resource("i-sp").sku("P").cost("0")
                        .quantity("4").list("0.384", "0.096").savingsPlan(SP_ARN, "0.26")));
        assertThat(invoice(b)).containsExactly("SERVICE Amazon Elastic Compute Cloud 22.00");
        assertThat(b.charge().stripTrailingZeros().toPlainString()).isEqualTo("22");
    }
}

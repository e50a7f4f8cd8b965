package io.rebill.rules.internal;

import io.rebill.rules.BillResult;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.InvoiceLine;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes a run's files (issue: bill command): summary.csv, invoices/&lt;customer&gt;.csv, line_items/&lt;customer&gt;.parquet
 * (FOCUS 1.2 columns), unassigned.csv and reconciliation.csv. Amounts carry 10 decimals except the rounded invoice.
 */
public final class BillOutputs {
    private final Connection duck;
    private final String mspName;
    /** The run's lines with every column (BillingRun#linesRelation), sorted by customer. */
    private final String lines;

    public BillOutputs(Connection duck, String mspName, String lines) {
        this.duck = duck;
        this.mspName = mspName;
        this.lines = lines;
    }

    public void write(BillResult result, Path out, Consumer<String> progress) {
        try {
            Files.createDirectories(out.resolve("invoices"));
            Files.createDirectories(out.resolve("line_items"));
            summary(result, out.resolve("summary.csv"));
            for (CustomerBill bill : result.customers()) {
                invoice(result, bill, out.resolve("invoices").resolve(bill.customerId() + ".csv"));
            }
            unassigned(result, out.resolve("unassigned.csv"));
            reconciliation(result, out.resolve("reconciliation.csv"));
            progress.accept("writing FOCUS line items for " + result.customers().size() + " customers");
            for (CustomerBill bill : result.customers()) {
                focus(result, bill, out.resolve("line_items").resolve(bill.customerId() + ".parquet"));
            }
        } catch (IOException | SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot write the bill to " + out + ": " + e.getMessage(), e);
        }
    }

    static String ten(BigDecimal v) {
        return v.setScale(10, RoundingMode.HALF_UP).toPlainString();
    }

    private static void csv(Path file, List<String> header, List<List<String>> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", header));
            w.write('\n');
            for (List<String> row : rows) {
                w.write(String.join(",", row.stream().map(BillOutputs::cell).toList()));
                w.write('\n');
            }
        }
    }

    private static String cell(String v) {
        if (v == null) {
            return "";
        }
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    private void summary(BillResult r, Path file) throws IOException {
        csv(file, List.of("customer_id", "billing_period", "cost", "charge", "margin", "margin_pct", "invoice_total", "currency"),
                r.customers().stream().map(b -> List.of(b.customerId(), r.period().toString(), ten(b.cost()), ten(b.charge()),
                        ten(b.margin()), b.marginPercent().map(BillOutputs::ten).orElse(""),
                        b.invoiceTotal().toPlainString(), b.currency())).toList());
    }

    private void invoice(BillResult r, CustomerBill b, Path file) throws IOException {
        csv(file, List.of("customer_id", "billing_period", "line_type", "service", "category", "sub_category", "amount", "currency"),
                b.invoice().stream().map(l -> java.util.Arrays.asList(b.customerId(), r.period().toString(),
                        l.kind().name().toLowerCase(java.util.Locale.ROOT), l.service(), l.category(), l.subCategory(),
                        l.amount().toPlainString(), b.currency())).toList());
    }

    private void unassigned(BillResult r, Path file) throws IOException {
        csv(file, List.of("billing_period", "billing_account_id", "sub_account_id", "line_count", "billed_cost",
                        "effective_cost", "list_cost"),
                r.unassigned().stream().map(u -> java.util.Arrays.asList(r.period().toString(), u.billingAccountId(),
                        u.subAccountId(), String.valueOf(u.lineCount()), ten(u.billed()), ten(u.effective()), ten(u.list()))).toList());
    }

    private void reconciliation(BillResult r, Path file) throws IOException {
        csv(file, List.of("billing_period", "billing_account_id", "basis", "customers_cost", "unassigned_cost",
                        "ingested_total", "difference", "holds"),
                r.reconciliation().stream().map(x -> java.util.Arrays.asList(r.period().toString(), x.billingAccountId(),
                        x.basis(), x.customers().toPlainString(), x.unassigned().toPlainString(), x.ingested().toPlainString(),
                        x.difference().toPlainString(), String.valueOf(x.holds()))).toList());
    }

    /** FOCUS 1.2 as the customer's invoice issuer (the MSP) states it (spec §5); excluded lines are not there. */
    private void focus(BillResult r, CustomerBill b, Path file) throws SQLException {
        String periodStart = r.period().month().atDay(1) + " 00:00:00";
        String periodEnd = r.period().month().plusMonths(1).atDay(1) + " 00:00:00";
        String sql = "COPY (SELECT ? AS BillingAccountId, CAST(? AS TIMESTAMP) AS BillingPeriodStart,"
                + " CAST(? AS TIMESTAMP) AS BillingPeriodEnd, sub_account_id AS SubAccountId, ? AS ProviderName,"
                + " provider_name AS PublisherName, ? AS InvoiceIssuerName, charge_period_start AS ChargePeriodStart,"
                + " charge_period_end AS ChargePeriodEnd, charge_category AS ChargeCategory, charge_class AS ChargeClass,"
                + " charge_description AS ChargeDescription, service_name AS ServiceName, service_category AS ServiceCategory,"
                + " region_id AS RegionId, availability_zone AS AvailabilityZone, resource_id AS ResourceId, sku_id AS SkuId,"
                + " consumed_quantity AS ConsumedQuantity, pricing_unit AS PricingUnit, billing_currency AS BillingCurrency,"
                + " commitment_discount_id AS CommitmentDiscountId, commitment_discount_type AS CommitmentDiscountType,"
                + " commitment_discount_status AS CommitmentDiscountStatus, charge AS BilledCost, charge AS EffectiveCost,"
                + " charge AS ContractedCost, list_cost AS ListCost, list_unit_price AS ListUnitPrice, tags AS Tags,"
                + " line_id AS x_LineId, x_charge_type AS x_ChargeType, x_service_code AS x_ServiceCode,"
                + " x_usage_type AS x_UsageType, cost AS x_OriginalCost, lineage AS x_Lineage"
                + " FROM " + lines + " WHERE customer_id = ? AND NOT excluded"
                + " UNION ALL BY NAME"
                + " SELECT ? AS BillingAccountId, CAST(? AS TIMESTAMP) AS BillingPeriodStart, CAST(? AS TIMESTAMP) AS BillingPeriodEnd,"
                + " ? AS ProviderName, ? AS InvoiceIssuerName, CAST(? AS TIMESTAMP) AS ChargePeriodStart,"
                + " CAST(? AS TIMESTAMP) AS ChargePeriodEnd, CASE kind WHEN 'credit' THEN 'Credit' ELSE 'Purchase' END AS ChargeCategory,"
                + " title AS ChargeDescription, service AS ServiceName, ? AS BillingCurrency, amount AS BilledCost,"
                + " amount AS EffectiveCost, amount AS ContractedCost, rule_id AS x_LineId, kind AS x_ChargeType"
                + " FROM extra WHERE customer_id = ?) TO '" + DuckDb.literal(file.toString()) + "' (FORMAT parquet, COMPRESSION zstd)";
        try (PreparedStatement ps = duck.prepareStatement(sql)) {
            BillingRun.bind(ps, List.of(b.customerId(), periodStart, periodEnd, mspName, mspName, b.customerId(),
                    b.customerId(), periodStart, periodEnd, mspName, mspName, periodStart, periodEnd, b.currency(), b.customerId()));
            ps.execute();
        }
    }
}

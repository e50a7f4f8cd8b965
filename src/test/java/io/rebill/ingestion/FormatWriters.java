package io.rebill.ingestion;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;

/** Writes the same fixture line items in each provider format, as the provider would. */
final class FormatWriters {
    private FormatWriters() {
    }

    /** Legacy CUR columns (category/Name) and how to read each from a fixture. */
    static Map<String, Function<LineItemFixture, String>> legacyColumns(List<LineItemFixture> lines) {
        Map<String, Function<LineItemFixture, String>> c = new LinkedHashMap<>();
        c.put("identity/LineItemId", f -> "id-" + Integer.toHexString(System.identityHashCode(f)));
        c.put("bill/InvoicingEntity", f -> f.invoicingEntity);
        c.put("bill/BillingEntity", f -> f.legalEntity.startsWith("Amazon") ? "AWS" : "AWS Marketplace");
        c.put("bill/PayerAccountId", f -> f.payer);
        c.put("bill/BillingPeriodStartDate", f -> f.periodStart);
        c.put("bill/BillingPeriodEndDate", f -> f.periodEnd);
        c.put("lineItem/UsageAccountId", f -> f.account);
        c.put("lineItem/LineItemType", f -> f.type);
        c.put("lineItem/UsageStartDate", f -> f.start);
        c.put("lineItem/UsageEndDate", f -> f.end);
        c.put("lineItem/ProductCode", f -> f.productCode);
        c.put("lineItem/UsageType", f -> f.usageType);
        c.put("lineItem/Operation", f -> f.operation);
        c.put("lineItem/AvailabilityZone", f -> f.az);
        c.put("lineItem/ResourceId", f -> f.resourceId);
        c.put("lineItem/UsageAmount", f -> f.usageAmount);
        c.put("lineItem/CurrencyCode", f -> f.currency);
        c.put("lineItem/UnblendedCost", f -> f.cost);
        c.put("lineItem/LineItemDescription", f -> f.description);
        c.put("lineItem/LegalEntity", f -> f.legalEntity);
        c.put("product/ProductName", f -> f.productName);
        c.put("product/region", f -> f.region);
        c.put("product/sku", f -> f.sku);
        c.put("pricing/publicOnDemandCost", f -> f.listCost);
        c.put("pricing/publicOnDemandRate", f -> f.listRate);
        c.put("pricing/unit", f -> f.unit);
        c.put("pricing/RateCode", f -> f.rateCode);
        c.put("reservation/ReservationARN", f -> f.reservationArn);
        c.put("reservation/EffectiveCost", f -> f.riEffectiveCost);
        c.put("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", f -> f.riUnusedUpfront);
        c.put("reservation/UnusedRecurringFee", f -> f.riUnusedRecurring);
        c.put("savingsPlan/SavingsPlanARN", f -> f.savingsPlanArn);
        c.put("savingsPlan/SavingsPlanEffectiveCost", f -> f.spEffectiveCost);
        c.put("savingsPlan/TotalCommitmentToDate", f -> f.spTotalCommitment);
        c.put("savingsPlan/UsedCommitment", f -> f.spUsedCommitment);
        lines.stream().flatMap(l -> l.tags.keySet().stream()).distinct()
                .forEach(k -> c.put("resourceTags/user:" + k, f -> f.tags.get(k)));
        return c;
    }

    /** lineItem/UnblendedCost -> line_item_unblended_cost, savingsPlan/SavingsPlanARN -> savings_plan_savings_plan_a_r_n. */
    static String athena(String legacy) {
        if (legacy.startsWith("resourceTags/user:")) {
            return "resource_tags_user_" + legacy.substring("resourceTags/user:".length());
        }
        String[] parts = legacy.split("/", 2);
        return snake(parts[0]) + "_" + snake(parts[1]);
    }

    private static String snake(String camel) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch) && i > 0) {
                sb.append('_');
            }
            sb.append(Character.toLowerCase(ch));
        }
        return sb.toString();
    }

    static Path curLegacyCsv(List<LineItemFixture> lines, Path file, boolean gzip) {
        return csv(file, gzip, legacyColumns(lines), lines, Function.identity(), "NULL");
    }

    static Path curAthenaCsv(List<LineItemFixture> lines, Path file) {
        return csv(file, true, legacyColumns(lines), lines, FormatWriters::athena, "\\N");
    }

    /** CUR 2.0 as Parquet: snake names, typed columns (costs as DECIMAL) and a resource_tags map with user_ keys. */
    static Path cur2Parquet(List<LineItemFixture> lines, Path file, RebillSettings settings) {
        return cur2Parquet(lines, file, settings, name -> isMoney(name) ? "DECIMAL(38,18)" : "VARCHAR", false);
    }

    /**
     * CUR 2.0 as AWS's data exports write it to Parquet: costs and quantities DOUBLE, rates text (AWS's CUR 2.0
     * schema types pricing_public_on_demand_rate and the other rates as string), and '' in a text column where a
     * line has no value, the rate of a tax line included.
     */
    static Path cur2ParquetAsAwsWritesIt(List<LineItemFixture> lines, Path file, RebillSettings settings) {
        return cur2Parquet(lines, file, settings,
                name -> name.contains("Rate") ? "VARCHAR" : isMoney(name) ? "DOUBLE" : "VARCHAR", true);
    }

    /**
     * CUR for Athena as AWS's Athena integration writes it to Parquet: snake names and every column text, costs,
     * rates, quantities and dates included, with '' where a line has no value (a tax line's public on-demand rate,
     * an RI's effective cost on a usage line).
     */
    static Path curAthenaParquet(List<LineItemFixture> lines, Path file, RebillSettings settings) {
        Map<String, Function<LineItemFixture, String>> legacy = legacyColumns(lines);
        Path csv = csv(file.resolveSibling(file.getFileName() + ".src.csv"), false, legacy, lines, FormatWriters::athena, "");
        List<String> select = new ArrayList<>();
        for (String name : legacy.keySet()) {
            String snake = DuckDb.identifier(athena(name));
            select.add("COALESCE(" + snake + ", '') AS " + snake);
        }
        copyToParquet(settings, "SELECT " + String.join(", ", select) + " FROM read_csv('" + DuckDb.literal(csv.toString())
                + "', all_varchar = true)", file);
        return file;
    }

    private static Path cur2Parquet(List<LineItemFixture> lines, Path file, RebillSettings settings,
                                    Function<String, String> typeOf, boolean emptyText) {
        Map<String, Function<LineItemFixture, String>> legacy = legacyColumns(lines);
        Path csv = csv(file.resolveSibling(file.getFileName() + ".src.csv"), false, legacy, lines, FormatWriters::athena, "");
        List<String> select = new ArrayList<>();
        List<String> tagEntries = new ArrayList<>();
        for (String name : legacy.keySet()) {
            String snake = athena(name);
            if (name.startsWith("resourceTags/")) {
                tagEntries.add("'user_" + name.substring("resourceTags/user:".length()) + "': " + DuckDb.identifier(snake));
                continue;
            }
            String cast = name.endsWith("StartDate") || name.endsWith("EndDate") ? "TIMESTAMP" : typeOf.apply(name);
            String value = "CAST(" + DuckDb.identifier(snake) + " AS " + cast + ")";
            select.add((emptyText && cast.equals("VARCHAR") ? "COALESCE(" + value + ", '')" : value) + " AS "
                    + DuckDb.identifier(snake.replace("_a_r_n", "_arn")));
        }
        String tags = "map_from_entries(list_filter(map_entries(MAP {" + String.join(", ", tagEntries)
                + "}), lambda e: e.value IS NOT NULL))";
        select.add((tagEntries.isEmpty() ? "MAP {}" : tags) + " AS resource_tags");
        copyToParquet(settings, "SELECT " + String.join(", ", select) + " FROM read_csv('" + DuckDb.literal(csv.toString())
                + "', all_varchar = true)", file);
        return file;
    }

    private static void copyToParquet(RebillSettings settings, String select, Path file) {
        try (Connection c = DuckDb.open(settings); Statement s = c.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + DuckDb.literal(file.toString()) + "' (FORMAT parquet)");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean isMoney(String legacy) {
        return legacy.contains("Cost") || legacy.contains("Amount") || legacy.contains("Rate") && !legacy.endsWith("RateCode")
                || legacy.contains("Fee")
                || legacy.contains("Commitment");
    }

    /** FOCUS 1.2 with AWS's x_ columns, derived from the same fixtures per docs/canonical-line-item.md. */
    static Map<String, Function<LineItemFixture, String>> focusColumns() {
        Map<String, Function<LineItemFixture, String>> c = new LinkedHashMap<>();
        c.put("BillingAccountId", f -> f.payer);
        c.put("SubAccountId", f -> f.account);
        c.put("BillingPeriodStart", f -> f.periodStart);
        c.put("BillingPeriodEnd", f -> f.periodEnd);
        c.put("ChargePeriodStart", f -> f.start);
        c.put("ChargePeriodEnd", f -> f.end);
        c.put("ProviderName", f -> "AWS");
        c.put("PublisherName", f -> f.legalEntity);
        c.put("InvoiceIssuerName", f -> f.invoicingEntity);
        c.put("ServiceName", f -> f.productName);
        c.put("ServiceCategory", f -> f.productCode.equals("AmazonEC2") ? "Compute" : "Storage");
        c.put("RegionId", f -> f.region);
        c.put("AvailabilityZone", f -> f.az);
        c.put("ResourceId", f -> f.resourceId);
        c.put("SkuId", f -> f.sku);
        c.put("SkuPriceId", f -> f.rateCode);
        c.put("ChargeDescription", f -> f.description);
        c.put("Tags", f -> f.tags.isEmpty() ? null : json(f.tags));
        c.put("ChargeCategory", f -> f.expectedChargeCategory().toLowerCase());
        c.put("ChargeClass", f -> null);
        c.put("ChargeFrequency", f -> "Usage-based");
        c.put("CommitmentDiscountId", LineItemFixture::expectedCommitmentId);
        c.put("CommitmentDiscountType", f -> f.savingsPlanArn != null ? "Savings Plan"
                : f.reservationArn != null ? "Reserved Instance" : null);
        c.put("CommitmentDiscountStatus", LineItemFixture::expectedCommitmentStatus);
        c.put("ConsumedQuantity", f -> f.usageAmount);
        c.put("PricingUnit", f -> f.unit);
        c.put("BillingCurrency", f -> f.currency);
        c.put("BilledCost", f -> f.cost);
        // a cost that is no number (ReaderContract's bad value) is the BilledCost column's error alone
        c.put("EffectiveCost", f -> f.cost.matches("-?[0-9.Ee+-]+") ? f.expectedEffectiveCost().toPlainString() : "0");
        c.put("ListCost", f -> f.listCost);
        c.put("ContractedCost", f -> f.cost);
        c.put("ListUnitPrice", f -> f.listRate);
        c.put("x_ChargeType", f -> f.type);
        c.put("x_ServiceCode", f -> f.productCode);
        c.put("x_UsageType", f -> f.usageType);
        c.put("x_Operation", f -> f.operation);
        return c;
    }

    static Path focusCsv(List<LineItemFixture> lines, Path file) {
        return csv(file, false, focusColumns(), lines, Function.identity(), "");
    }

    static Path focusParquet(List<LineItemFixture> lines, Path file, RebillSettings settings) {
        Path csv = focusCsv(lines, file.resolveSibling(file.getFileName() + ".src.csv"));
        try (Connection c = DuckDb.open(settings); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * REPLACE (CAST(BilledCost AS DECIMAL(38,18)) AS BilledCost,"
                    + " CAST(EffectiveCost AS DECIMAL(38,18)) AS EffectiveCost, CAST(ListCost AS DECIMAL(38,18)) AS ListCost,"
                    + " CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart,"
                    + " CAST(BillingPeriodStart AS TIMESTAMP) AS BillingPeriodStart)"
                    + " FROM read_csv('" + DuckDb.literal(csv.toString()) + "', all_varchar = true))"
                    + " TO '" + DuckDb.literal(file.toString()) + "' (FORMAT parquet)");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    private static String json(Map<String, String> tags) {
        StringBuilder sb = new StringBuilder("{");
        tags.forEach((k, v) -> sb.append(sb.length() > 1 ? ", " : "").append('"').append(k).append("\": \"").append(v).append('"'));
        return sb.append('}').toString();
    }

    private static Path csv(Path file, boolean gzip, Map<String, Function<LineItemFixture, String>> columns,
                            List<LineItemFixture> lines, Function<String, String> rename, String nullText) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.join(",", columns.keySet().stream().map(rename).map(FormatWriters::quote).toList())).append('\n');
        for (LineItemFixture f : lines) {
            List<String> cells = new ArrayList<>();
            columns.values().forEach(get -> {
                String v = get.apply(f);
                cells.add(v == null ? nullText : quote(v));
            });
            sb.append(String.join(",", cells)).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String quote(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}

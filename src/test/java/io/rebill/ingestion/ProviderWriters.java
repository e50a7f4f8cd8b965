package io.rebill.ingestion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes fixture line items the way Azure Cost Management and Google Cloud's BigQuery billing export write them
 * (docs/ingestion.md names the documented columns): Azure with a byte-order mark, CRLF, US dates without padding and
 * tags without their outer braces; Google Cloud with dotted column names, +00:00 timestamps, labels and credits as
 * JSON.
 */
public final class ProviderWriters {
    private ProviderWriters() {
    }

    /** Azure EA / MCA cost details (the actual-cost dataset unless the path names it amortized). */
    static Map<String, Function<LineItemFixture, String>> azureCostDetailsColumns() {
        Map<String, Function<LineItemFixture, String>> c = new LinkedHashMap<>();
        c.put("InvoiceSectionName", f -> "Unassigned");
        c.put("AccountName", f -> "msp@example.com");
        c.put("SubscriptionId", f -> f.account);
        c.put("SubscriptionName", f -> "sub-" + f.account);
        c.put("ResourceGroup", f -> "rg-web");
        c.put("ResourceLocation", f -> f.region);
        c.put("Date", f -> usDate(f.start));
        c.put("ProductName", f -> f.description);
        c.put("MeterCategory", f -> f.productName);
        c.put("MeterSubCategory", f -> f.operation);
        c.put("MeterId", f -> f.sku);
        c.put("MeterName", f -> f.usageType);
        c.put("MeterRegion", f -> f.region);
        c.put("UnitOfMeasure", f -> f.unit);
        c.put("Quantity", f -> f.usageAmount);
        c.put("EffectivePrice", f -> f.listRate);
        c.put("CostInBillingCurrency", f -> f.cost);
        c.put("ConsumedService", f -> f.productCode);
        c.put("ResourceId", f -> f.resourceId);
        c.put("Tags", f -> f.tags.isEmpty() ? null : azureTags(f.tags));
        c.put("ChargeType", f -> switch (f.type) {
            case "Tax" -> "Tax";
            case "Credit" -> "Credit";
            case "Refund" -> "Refund";
            case "UnusedReservation" -> "UnusedReservation";
            case "Fee", "RIFee", "SavingsPlanUpfrontFee", "SavingsPlanRecurringFee" -> "Purchase";
            default -> "Usage";
        });
        c.put("PricingModel", f -> f.reservationArn != null ? "Reservation" : f.savingsPlanArn != null ? "SavingsPlan" : "OnDemand");
        c.put("ReservationId", f -> f.reservationArn);
        c.put("BillingAccountId", f -> f.payer);
        c.put("BillingCurrencyCode", f -> f.currency);
        c.put("BillingPeriodStartDate", f -> usDate(f.periodStart));
        c.put("BillingPeriodEndDate", f -> usDate(OffsetDateTime.parse(f.periodEnd).minusDays(1).toString()));
        c.put("PayGPrice", f -> f.listRate);
        c.put("PaygCostInBillingCurrency", f -> f.listCost);
        c.put("PublisherName", f -> "Microsoft");
        return c;
    }

    public static Path azureCostDetails(List<LineItemFixture> lines, Path file) {
        return write(file, "\uFEFF", "\r\n", azureCostDetailsColumns(), lines);
    }

    /** 2024-09-03T10:00:00Z -> 9/3/2024, as Azure's cost-details CSV writes a date. */
    static String usDate(String iso) {
        OffsetDateTime t = OffsetDateTime.parse(iso);
        return t.getMonthValue() + "/" + t.getDayOfMonth() + "/" + t.getYear();
    }

    /** "team": "web","env": "prod": Azure's cost-details export leaves out the outer braces. */
    static String azureTags(Map<String, String> tags) {
        List<String> members = new ArrayList<>();
        tags.forEach((k, v) -> members.add('"' + k + "\": \"" + v + '"'));
        return String.join(",", members);
    }

    /** Google Cloud's standard/detailed usage cost export as CSV (BigQuery's column names, dotted). */
    static Map<String, Function<LineItemFixture, String>> gcpColumns() {
        Map<String, Function<LineItemFixture, String>> c = new LinkedHashMap<>();
        c.put("billing_account_id", f -> f.payer);
        c.put("service.id", f -> f.productCode);
        c.put("service.description", f -> f.productName);
        c.put("sku.id", f -> f.sku);
        c.put("sku.description", f -> f.description);
        c.put("usage_start_time", f -> gcpTime(f.start));
        c.put("usage_end_time", f -> gcpTime(f.end));
        c.put("project.id", f -> f.account);
        c.put("project.name", f -> "Project " + f.account);
        c.put("labels", f -> gcpLabels(f.tags));
        c.put("location.location", f -> f.region);
        c.put("location.region", f -> f.region);
        c.put("location.zone", f -> f.az);
        c.put("resource.name", f -> f.resourceId);
        c.put("cost", f -> f.cost);
        c.put("currency", f -> f.currency);
        c.put("usage.amount", f -> f.usageAmount);
        c.put("usage.unit", f -> f.unit);
        c.put("credits", f -> gcpCredits(f.credits));
        c.put("invoice.month", f -> f.periodStart.substring(0, 4) + f.periodStart.substring(5, 7));
        c.put("cost_type", f -> f.type.equals("Tax") ? "tax" : "regular");
        c.put("cost_at_list", f -> f.listCost);
        return c;
    }

    public static Path gcpCsv(List<LineItemFixture> lines, Path file) {
        return write(file, "", "\n", gcpColumns(), lines);
    }

    /** 2024-09-03T10:00:00Z -> 2024-09-03 10:00:00+00:00, as BigQuery writes a TIMESTAMP to CSV. */
    static String gcpTime(String iso) {
        return OffsetDateTime.parse(iso).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + "+00:00";
    }

    /** 2024-09-03T10:00:00Z -> 2024-09-03 10:00:00 UTC, as BigQuery writes a TIMESTAMP when it exports a table to JSON. */
    static String gcpJsonTime(String iso) {
        return OffsetDateTime.parse(iso).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + " UTC";
    }

    static String gcpLabels(Map<String, String> tags) {
        List<String> items = new ArrayList<>();
        tags.forEach((k, v) -> items.add("{\"key\":\"" + k + "\",\"value\":\"" + v + "\"}"));
        return "[" + String.join(",", items) + "]";
    }

    static String gcpCredits(Map<String, String> credits) {
        List<String> items = new ArrayList<>();
        credits.forEach((type, amount) -> items.add("{\"name\":\"" + type.toLowerCase().replace('_', ' ') + "\",\"amount\":"
                + amount + ",\"full_name\":null,\"id\":\"" + type.toLowerCase() + "\",\"type\":\"" + type + "\"}"));
        return "[" + String.join(",", items) + "]";
    }

    /**
     * The same export as JSON lines, as BigQuery exports a table to JSON: nested records as objects, repeated ones as
     * arrays, numbers as JSON numbers, timestamps as {@code 2024-09-03 10:00:00 UTC}, one record per line.
     */
    static Path gcpJsonLines(List<LineItemFixture> lines, Path file) {
        StringBuilder sb = new StringBuilder();
        for (LineItemFixture f : lines) {
            sb.append("{\"billing_account_id\":\"").append(f.payer).append("\",")
                    .append("\"service\":{\"id\":\"").append(f.productCode).append("\",\"description\":\"").append(f.productName).append("\"},")
                    .append("\"sku\":{\"id\":\"").append(f.sku).append("\",\"description\":\"").append(f.description).append("\"},")
                    .append("\"usage_start_time\":\"").append(gcpJsonTime(f.start)).append("\",")
                    .append("\"usage_end_time\":\"").append(gcpJsonTime(f.end)).append("\",")
                    .append("\"project\":{\"id\":\"").append(f.account).append("\",\"name\":\"Project ").append(f.account)
                    .append("\",\"labels\":[]},")
                    .append("\"labels\":").append(gcpLabels(f.tags)).append(',')
                    .append("\"location\":{\"location\":\"").append(f.region).append("\",\"region\":\"").append(f.region)
                    .append("\",\"zone\":\"").append(f.az).append("\"},")
                    .append("\"resource\":{\"name\":\"").append(f.resourceId).append("\",\"global_name\":null},")
                    .append("\"cost\":").append(f.cost).append(',')
                    .append("\"currency\":\"").append(f.currency).append("\",")
                    .append("\"usage\":{\"amount\":").append(f.usageAmount).append(",\"unit\":\"").append(f.unit).append("\"},")
                    .append("\"credits\":").append(gcpCredits(f.credits)).append(',')
                    .append("\"invoice\":{\"month\":\"").append(f.periodStart, 0, 4).append(f.periodStart, 5, 7).append("\"},")
                    .append("\"cost_type\":\"").append(f.type.equals("Tax") ? "tax" : "regular").append("\",")
                    .append("\"cost_at_list\":").append(f.listCost).append("}\n");
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static Path write(Path file, String bom, String newline, Map<String, Function<LineItemFixture, String>> columns,
                      List<LineItemFixture> lines) {
        StringBuilder sb = new StringBuilder(bom);
        sb.append(String.join(",", columns.keySet().stream().map(ProviderWriters::quote).toList())).append(newline);
        for (LineItemFixture f : lines) {
            List<String> cells = new ArrayList<>();
            columns.values().forEach(get -> {
                String v = get.apply(f);
                cells.add(v == null ? "" : quote(v));
            });
            sb.append(String.join(",", cells)).append(newline);
        }
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static String quote(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}

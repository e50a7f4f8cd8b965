package io.rebill.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A few AWS CUR (legacy CSV) lines of October 2026 for portal tests: one Usage or Tax line per call of {@link #line}. */
public final class TinyCur {
    private static final List<String> COLUMNS = List.of("identity/LineItemId", "bill/InvoicingEntity",
            "bill/BillingEntity", "bill/PayerAccountId", "bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate",
            "lineItem/UsageAccountId", "lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate",
            "lineItem/ProductCode", "lineItem/UsageType", "lineItem/Operation", "lineItem/AvailabilityZone",
            "lineItem/ResourceId", "lineItem/UsageAmount", "lineItem/CurrencyCode", "lineItem/UnblendedCost",
            "lineItem/LineItemDescription", "lineItem/LegalEntity", "product/ProductName", "product/region",
            "product/sku", "pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "pricing/unit");

    private TinyCur() {
    }

    /** A line of the payer 999999999999 in account {@code account}: {@code cost} unblended, {@code list} on demand. */
    public static List<String> line(String id, String account, String type, String product, String cost, String list) {
        return lineIn("2026-10", id, account, type, product, cost, list);
    }

    /** The same in another billing period (YYYY-MM). */
    public static List<String> lineIn(String period, String id, String account, String type, String product,
                                      String cost, String list) {
        java.time.YearMonth month = java.time.YearMonth.parse(period);
        return List.of(id, "Amazon Web Services, Inc.", "AWS", "999999999999", month.atDay(1) + "T00:00:00Z",
                month.plusMonths(1).atDay(1) + "T00:00:00Z", account, type, month.atDay(3) + "T10:00:00Z",
                month.atDay(3) + "T11:00:00Z", product,
                "USE1-BoxUsage", "RunInstances", "us-east-1a", "r-" + id, "1", "USD", cost, "a line",
                "Amazon Web Services, Inc.", product, "us-east-1", "SKU-" + product, list, list, "Hrs");
    }

    public static Path write(Path file, List<List<String>> lines) {
        StringBuilder sb = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        lines.forEach(l -> sb.append(String.join(",", l.stream().map(v -> v.contains(",") ? '"' + v + '"' : v)
                .toList())).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.rebill.costs;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A saved report's figures (issue 12 item 2), from the daily aggregates only: the buckets of the window (days, weeks
 * or months), one row per group with its amount per bucket, its total over the window and over the window before,
 * and the totals. Amounts are exact (never rounded here); a customer's report only ever holds its charge.
 * {@code periodsWithoutTag}: for a report by a tag or virtual tag, the window's periods whose bill run kept no row of
 * it (no line carried it, or it was outside the keys the run kept), read without a value (docs/costs.md).
 */
public record ReportData(ReportDefinition.Window window, ReportDefinition.Window previous,
                         ReportDefinition.Measure measure, List<ReportDimension> groupBy, List<String> groupLabels,
                         List<LocalDate> buckets, List<Row> rows, Optional<String> currency, BigDecimal total,
                         BigDecimal previousTotal, List<io.rebill.shared.time.BillingPeriod> periodsWithoutTag) {
    public ReportData {
        periodsWithoutTag = List.copyOf(periodsWithoutTag);
        groupBy = List.copyOf(groupBy);
        groupLabels = List.copyOf(groupLabels);
        buckets = List.copyOf(buckets);
        rows = List.copyOf(rows);
    }

    /** One group: its values (null where a row has none), amounts per bucket (in the order of buckets), totals. */
    public record Row(List<String> keys, List<BigDecimal> amounts, BigDecimal total, BigDecimal previous) {
        public Row {
            keys = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(keys));
            amounts = List.copyOf(amounts);
        }
    }
}

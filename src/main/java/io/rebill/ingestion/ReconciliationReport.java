package io.rebill.ingestion;

import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.util.List;

/**
 * Per billing period and cost column: the input files' own sum and the stored sum (spec §1). It holds when every
 * difference is exactly zero and the line counts agree.
 */
public record ReconciliationReport(String source, List<Line> lines) {
    public ReconciliationReport {
        lines = List.copyOf(lines);
    }

    public boolean holds() {
        return lines.stream().allMatch(Line::holds);
    }

    /** One comparison; {@code column} is billed, effective, list or line_count. */
    public record Line(BillingPeriod period, String column, BigDecimal input, BigDecimal stored) {
        public BigDecimal difference() {
            return stored.subtract(input);
        }

        public boolean holds() {
            return input.compareTo(stored) == 0;
        }
    }

    public static ReconciliationReport compare(String source, BillingPeriod period, CostSums input, CostSums stored) {
        return new ReconciliationReport(source, List.of(
                new Line(period, "line_count", BigDecimal.valueOf(input.lineCount()), BigDecimal.valueOf(stored.lineCount())),
                new Line(period, "billed", input.billed(), stored.billed()),
                new Line(period, "effective", input.effective(), stored.effective()),
                new Line(period, "list", input.list(), stored.list())));
    }

    public ReconciliationReport plus(ReconciliationReport other) {
        return new ReconciliationReport(source, java.util.stream.Stream.concat(lines.stream(), other.lines.stream()).toList());
    }
}

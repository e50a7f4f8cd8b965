package io.rebill.ingestion;

import java.math.BigDecimal;
import java.util.Objects;

/** Exact sums of the three cost bases over a set of line items. */
public record CostSums(long lineCount, BigDecimal billed, BigDecimal effective, BigDecimal list) {
    public static final CostSums ZERO = new CostSums(0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

    public CostSums {
        Objects.requireNonNull(billed, "billed");
        Objects.requireNonNull(effective, "effective");
        Objects.requireNonNull(list, "list");
        if (lineCount < 0) {
            throw new IllegalArgumentException("lineCount must not be negative: " + lineCount);
        }
    }

    public CostSums plus(CostSums other) {
        return new CostSums(lineCount + other.lineCount, billed.add(other.billed), effective.add(other.effective),
                list.add(other.list));
    }

    public BigDecimal of(CostBasis basis) {
        return switch (basis) {
            case BILLED -> billed;
            case EFFECTIVE -> effective;
            case LIST -> list;
        };
    }
}

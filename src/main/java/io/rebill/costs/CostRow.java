package io.rebill.costs;

import java.math.BigDecimal;
import java.util.List;

/** One group of a cost report: its dimension values (null where a line has none), the exact cost and line count. */
public record CostRow(List<String> keys, BigDecimal cost, long lineCount) {
    public CostRow {
        keys = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(keys));
    }
}

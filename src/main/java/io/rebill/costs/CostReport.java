package io.rebill.costs;

import java.math.BigDecimal;
import java.util.List;

/** The result of a {@link CostRequest}: rows ordered by cost, highest first, and their exact total. */
public record CostReport(CostRequest request, List<CostRow> rows) {
    public CostReport {
        rows = List.copyOf(rows);
    }

    public BigDecimal total() {
        return rows.stream().map(CostRow::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    public List<String> header() {
        List<String> h = new java.util.ArrayList<>(request.groupBy().stream().map(CostDimension::label).toList());
        h.add(request.basis().label() + "_cost");
        h.add("line_count");
        return h;
    }
}

package io.rebill.ingestion;

/** Which cost column a report or a workflow starts from (spec §3). */
public enum CostBasis {
    BILLED(CanonicalColumn.BILLED_COST),
    EFFECTIVE(CanonicalColumn.EFFECTIVE_COST),
    LIST(CanonicalColumn.LIST_COST);

    private final CanonicalColumn column;

    CostBasis(CanonicalColumn column) {
        this.column = column;
    }

    public CanonicalColumn column() {
        return column;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

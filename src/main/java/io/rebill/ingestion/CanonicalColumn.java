package io.rebill.ingestion;

/**
 * The canonical line item of ../shared/spec/billing.md §1, in storage order. Every reader produces exactly these
 * columns; names follow FOCUS where FOCUS has a column, {@code x_} where it does not. Money is DECIMAL(38,24):
 * exact, scale above the spec's minimum of 10, and wide enough for sums over billions of rows.
 */
public enum CanonicalColumn {
    BILLING_PERIOD("VARCHAR"),
    BILLING_ACCOUNT_ID("VARCHAR"),
    SUB_ACCOUNT_ID("VARCHAR"),
    PROVIDER_NAME("VARCHAR"),
    PUBLISHER_NAME("VARCHAR"),
    INVOICE_ISSUER_NAME("VARCHAR"),
    CHARGE_PERIOD_START("TIMESTAMP"),
    CHARGE_PERIOD_END("TIMESTAMP"),
    SERVICE_NAME("VARCHAR"),
    SERVICE_CATEGORY("VARCHAR"),
    X_SERVICE_CODE("VARCHAR"),
    X_USAGE_TYPE("VARCHAR"),
    X_OPERATION("VARCHAR"),
    REGION_ID("VARCHAR"),
    AVAILABILITY_ZONE("VARCHAR"),
    RESOURCE_ID("VARCHAR"),
    SKU_ID("VARCHAR"),
    CHARGE_DESCRIPTION("VARCHAR"),
    TAGS("MAP(VARCHAR, VARCHAR)"),
    CHARGE_CATEGORY("VARCHAR"),
    CHARGE_CLASS("VARCHAR"),
    X_CHARGE_TYPE("VARCHAR"),
    COMMITMENT_DISCOUNT_ID("VARCHAR"),
    COMMITMENT_DISCOUNT_TYPE("VARCHAR"),
    COMMITMENT_DISCOUNT_STATUS("VARCHAR"),
    X_COMMITMENT_OWNER_ACCOUNT_ID("VARCHAR"),
    CONSUMED_QUANTITY("DECIMAL(38,24)"),
    PRICING_UNIT("VARCHAR"),
    BILLING_CURRENCY("VARCHAR"),
    BILLED_COST("DECIMAL(38,24)"),
    EFFECTIVE_COST("DECIMAL(38,24)"),
    LIST_COST("DECIMAL(38,24)"),
    CONTRACTED_COST("DECIMAL(38,24)"),
    LIST_UNIT_PRICE("DECIMAL(38,24)");

    public static final String MONEY_TYPE = "DECIMAL(38,24)";

    private final String sqlType;

    CanonicalColumn(String sqlType) {
        this.sqlType = sqlType;
    }

    /** The column's name in Parquet and SQL, e.g. {@code billed_cost}. */
    public String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String sqlType() {
        return sqlType;
    }
}

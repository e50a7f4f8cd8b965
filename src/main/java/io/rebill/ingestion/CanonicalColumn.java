package io.rebill.ingestion;

/**
 * The canonical line item of ../shared/spec/billing.md §1, in storage order. Every reader produces exactly these
 * columns; names follow FOCUS where FOCUS has a column, {@code x_} where it does not. Money is exact DECIMAL: read as
 * DECIMAL(38,24) ({@link #MONEY_TYPE}), scale above the spec's minimum of 10 and wide enough for sums over billions of
 * rows. The four cost columns are stored at the fewest places an input file needs, so that a charge multiplied by a
 * percentage stays exact without a 128-bit rescale (docs/benchmarks.md): DECIMAL(18,10) ({@link #COMPACT_MONEY_SCALE},
 * 64-bit, what real CUR files get: at most 10 places and below 10^8) when every value of the file fits it, else
 * DECIMAL(38,12) ({@link #NARROW_MONEY_SCALE}), else DECIMAL(38,24). {@link StoredLines} reads stored files of any of
 * them.
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
    TAGS(CanonicalColumn.TAGS_TYPE),
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
    BILLED_COST("DECIMAL(38,24)", true),
    EFFECTIVE_COST("DECIMAL(38,24)", true),
    LIST_COST("DECIMAL(38,24)", true),
    CONTRACTED_COST("DECIMAL(38,24)", true),
    LIST_UNIT_PRICE("DECIMAL(38,24)"),
    // the provider's names of the accounts, where its export has them (issue 12 item 8); last, so the columns before
    // them keep their places, and files stored before them have none (StoredLines reads those as NULL)
    SUB_ACCOUNT_NAME("VARCHAR"),
    BILLING_ACCOUNT_NAME("VARCHAR"),
    // the provider's id of the price a line was charged at, where its export has one (CUR's pricing/RateCode, FOCUS
    // SkuPriceId; FOCUS 1.2 SkuPriceId); last, and files stored before it have none (StoredLines reads NULL)
    SKU_PRICE_ID("VARCHAR");

    public static final String MONEY_TYPE = "DECIMAL(38,24)";
    /**
     * Tags are stored as a list of key/value pairs, keys unique, not as a DuckDB MAP: building a MAP checks every
     * line's keys, which took about a sixth of a CSV ingest (docs/benchmarks.md), while a list of pairs costs a fifth
     * of that. Look tags up with {@link #tagValueSql}, {@link #hasTagSql} and {@link #tagMapSql}.
     */
    public static final String TAGS_TYPE = "STRUCT(\"key\" VARCHAR, \"value\" VARCHAR)[]";
    /** The scale of money as read and as stored when an input needs more than {@link #NARROW_MONEY_SCALE} places. */
    public static final int MONEY_SCALE = 24;
    /** The scale the cost columns are stored at when every value of the input file fits it exactly. */
    public static final int NARROW_MONEY_SCALE = 12;
    /**
     * The scale of the compact storage, DECIMAL(18,10): a 64-bit integer in Parquet, which DuckDB reads and sums in
     * under half the time of a 128-bit DECIMAL(38,x) (docs/benchmarks.md). Files whose costs all have at most 10
     * places and are below 10^8 in magnitude are stored so.
     */
    public static final int COMPACT_MONEY_SCALE = 10;
    /** The scales a file's costs are tried at, in order: the first that holds every value exactly is stored. */
    public static final java.util.List<Integer> STORED_MONEY_SCALES = java.util.List.of(COMPACT_MONEY_SCALE,
            NARROW_MONEY_SCALE, MONEY_SCALE);

    private final String sqlType;
    private final boolean cost;

    CanonicalColumn(String sqlType) {
        this(sqlType, false);
    }

    CanonicalColumn(String sqlType, boolean cost) {
        this.sqlType = sqlType;
        this.cost = cost;
    }

    /** The cost columns (billed, effective, list, contracted): stored at the input file's money scale. */
    public boolean isCost() {
        return cost;
    }

    /** The cost columns' names. */
    public static java.util.List<String> costColumns() {
        return java.util.Arrays.stream(values()).filter(CanonicalColumn::isCost).map(CanonicalColumn::column).toList();
    }

    /** SQL for the value of the tag named by {@code key} (an SQL expression) in {@code tags}; NULL when absent. */
    public static String tagValueSql(String tags, String key) {
        return "(" + tags + ")[list_position(list_transform(" + tags + ", lambda t: t.key), " + key + ")].value";
    }

    /** SQL that is true when {@code tags} has the key {@code key}, false (never NULL) otherwise. */
    public static String hasTagSql(String tags, String key) {
        return "COALESCE(list_contains(list_transform(" + tags + ", lambda t: t.key), " + key + "), FALSE)";
    }

    /** SQL for {@code tags} as a MAP(VARCHAR, VARCHAR), for outputs (FOCUS Tags). */
    public static String tagMapSql(String tags) {
        return "map_from_entries(" + tags + ")";
    }

    /** DECIMAL(38, scale). */
    public static String money(int scale) {
        return "DECIMAL(38," + scale + ")";
    }

    /** The column's name in Parquet and SQL, e.g. {@code billed_cost}. */
    public String column() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String sqlType() {
        return sqlType;
    }

    /**
     * The type cost columns are stored at with {@code scale} places: DECIMAL(18,10) at the compact scale, else
     * DECIMAL(38, scale).
     */
    public static String storedMoney(int scale) {
        return scale == COMPACT_MONEY_SCALE ? "DECIMAL(18," + scale + ")" : money(scale);
    }

    /** The type this column is stored at in a file whose costs have {@code moneyScale} places. */
    public String storedType(int moneyScale) {
        return cost ? storedMoney(moneyScale) : sqlType;
    }
}

package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.StoredLines;
import io.rebill.shared.duckdb.DuckDb;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a mapping template (cur-canonical.sql, focus-canonical.sql, *-input-amounts.sql) for one file. Columns are
 * matched by name, ignoring case and punctuation, so that {@code lineItem/UnblendedCost} and
 * {@code line_item_unblended_cost} are the same column. Only header names (quoted) and the file's path (as a
 * literal) enter the SQL; no value from a row ever does. {@code {{source}}} becomes the file's scan with every parsed
 * value the template reads as a column of its own ({@link #source()}).
 */
final class MappingQuery {
    static final String MONEY = CanonicalColumn.MONEY_TYPE;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(num|qty|ts|str|month|product|column):([^}]+)}}|\\{\\{(tags|source|input|amortized|credit_amount)}}");
    private static final Pattern COMMENT_LINE = Pattern.compile("(?m)^\\s*--.*$");
    private static final Pattern DECIMAL_TYPE = Pattern.compile("DECIMAL\\((\\d+),(\\d+)\\)");
    private static final Set<String> INTEGERS = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT",
            "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT");
    private static final List<String> NULL_STRINGS = List.of("", "NULL", "null", "\\N");
    /** Where {{source}} goes until the whole template is rendered (see {@link #source()}). */
    private static final String SOURCE_MARKER = "\u0000source\u0000";

    private final SniffedFile file;
    private final int moneyScale;
    /** The stored costs' scale in the same select: the input side (24 places) reuses their parse of a text amount. */
    private final int storedScale;
    private final Map<String, String> byKey = new HashMap<>();
    /**
     * The parsed values (money, quantities, timestamps) the rendered SQL reads, each computed once per line in the
     * source's projection ({@link #source()}) and named rb_v_N: DuckDB does not merge repeated expressions that can
     * raise an error, and a CUR line names its unblended cost three times. Shared with the input side's query.
     */
    private final Map<String, String> computed;
    /** Set while rendering below 24 places when a money column's Parquet type may hold more places. */
    private boolean needsWideMoney;

    /** A query reading money ({@code {{num:X}}}) at DECIMAL(38,24), as the input sums do. */
    MappingQuery(SniffedFile file) {
        this(file, CanonicalColumn.MONEY_SCALE);
    }

    /**
     * A query reading money at {@code moneyScale} places (one of {@link CanonicalColumn#STORED_MONEY_SCALES}). Below
     * 24 a text value with more places fails with {@code rebill-money-scale}, at the compact scale so does a cost of
     * 10^8 or more (when it is cast to DECIMAL(18,10)), and the caller then reads the file again at the next scale; a
     * Parquet column whose type may hold more places makes {@link #needsWideMoney()} true.
     */
    MappingQuery(SniffedFile file, int moneyScale) {
        this(file, moneyScale, moneyScale, new LinkedHashMap<>());
    }

    private MappingQuery(SniffedFile file, int moneyScale, int storedScale, Map<String, String> computed) {
        this.file = file;
        this.moneyScale = moneyScale;
        this.storedScale = storedScale;
        this.computed = computed;
        for (String column : file.columns()) {
            byKey.putIfAbsent(key(column), column);
        }
        // a localised Azure header (Kosten (Cost)) is found by its English name too
        for (String column : file.columns()) {
            byKey.putIfAbsent(key(SourceFormat.englishName(column)), column);
        }
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** True when rendering below 24 places met a Parquet money column that may hold more places than this scale. */
    boolean needsWideMoney() {
        return needsWideMoney;
    }

    /**
     * The canonical SELECT for this file, its columns cast to the canonical types in canonical order (costs at this
     * query's money scale). With {@code inputSide} it is followed by ingest's check columns ({@link StoredLines}):
     * per line, the input side of reconciliation (*-input-amounts.sql, read at 24 places in the same pass) minus the
     * stored amount, and the input's billing period where it differs from the stored one. A faithful mapping leaves
     * them zero and NULL, which Parquet stores in a few bytes; {@link InputSums#of(SniffedFile, StagedSums.Scan)} sums
     * the input side from them, so that the provider file is read once.
     */
    String canonicalSelect(String template, boolean inputSide) {
        String inner = render(template, inputSide ? inputAmounts() : null);
        StringBuilder sql = new StringBuilder("SELECT ");
        CanonicalColumn[] columns = CanonicalColumn.values();
        for (int i = 0; i < columns.length; i++) {
            CanonicalColumn c = columns[i];
            sql.append(i == 0 ? "" : ", ").append("CAST(").append(c.column()).append(" AS ").append(c.storedType(moneyScale))
                    .append(") AS ").append(c.column());
        }
        if (!inputSide) {
            return sql.append(" FROM (").append(inner).append(")").toString();
        }
        sql.append(", CASE WHEN rb_input_period IS DISTINCT FROM billing_period THEN COALESCE(rb_input_period, '")
                .append(InputSums.NO_PERIOD).append("') END AS ").append(StoredLines.CHECK_PERIOD);
        for (StoredLines.CheckedCost c : StoredLines.CHECKED_COSTS) {
            // *-input-amounts.sql names each basis's amount rb_input_<basis>
            sql.append(", CAST(CAST(COALESCE(rb_input_").append(c.basis()).append(", 0) AS ").append(MONEY)
                    .append(") - CAST(COALESCE(").append(c.column()).append(", 0) AS ").append(MONEY).append(") AS ")
                    .append(MONEY).append(") AS ").append(c.checkColumn());
        }
        return sql.append(" FROM (").append(inner).append(")").toString();
    }

    /**
     * The input side of reconciliation as select-list entries, always at 24 places (the input as it is). A text amount
     * is parsed once per line for both sides: the stored side's parse at its narrower scale has already refused any
     * value with more places (rebill-money-scale), so at 24 places it is the same number; parsing the text a second
     * time cost a sixth of an Azure or Google Cloud staging read (docs/benchmarks.md).
     */
    private String inputAmounts() {
        return new MappingQuery(file, CanonicalColumn.MONEY_SCALE, moneyScale, computed)
                .render(Sql.resource(file.format().inputAmountsSql()));
    }

    /** A template rendered for this file; an input placeholder renders as nothing. */
    String render(String template) {
        return render(template, null);
    }

    private String render(String template, String input) {
        // comments may name placeholders; rendered there, a multi-line one would leave the comment
        Matcher r = PLACEHOLDER.matcher(COMMENT_LINE.matcher(template).replaceAll(""));
        StringBuilder out = new StringBuilder();
        boolean hasSource = false;
        while (r.find()) {
            String replacement = r.group(3) == null ? placeholder(r.group(1), r.group(2)) : switch (r.group(3)) {
                case "tags" -> TagColumns.of(file, byKey);
                case "input" -> input == null ? "" : ", " + input;
                case "amortized" -> Boolean.toString(SourceFormat.isAmortized(file.path()));
                case "credit_amount" -> creditAmount();
                default -> {
                    hasSource = true;
                    yield SOURCE_MARKER;
                }
            };
            r.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        r.appendTail(out);
        // the source's projection computes every value the text read, known only once all of it is rendered
        return hasSource ? out.toString().replace(SOURCE_MARKER, lines()) : out.toString();
    }

    /**
     * What a rendered select list reads FROM: {@link #source()}, and for Google Cloud each export line once with
     * {@code rb_credit} NULL and once more per credit with {@code rb_credit} that credit (gcp-canonical.sql), in the
     * same single read of the file.
     */
    String lines() {
        return switch (file.format()) {
            // a credit's amount is parsed once per line however often the mapping and the input side read it
            case GCP_BILLING -> "(SELECT *, " + moneyText("rb_credit.amount", "credits.amount", moneyScale)
                    + " AS rb_credit_amount FROM (SELECT *, unnest(list_prepend(NULL, " + ProviderColumns.gcpCredits(
                    byKey.get("credits"), file.parquetTypes()) + ")) AS rb_credit FROM " + source() + "))";
            case CUR_LEGACY, CUR_SNAKE, FOCUS, AZURE_COST_DETAILS, AZURE_USAGE -> source();
        };
    }

    /** A Google Cloud credit's amount at this query's money scale, as {@code {{num:X}}} reads a column. */
    private String creditAmount() {
        return moneyScale == storedScale ? "rb_credit_amount"
                : reusedParse("rb_credit_amount", moneyText("rb_credit.amount", "credits.amount", moneyScale));
    }

    /** A text amount through rb_money (24 places) or rb_money_N, which name the column of a value they reject. */
    private static String moneyText(String text, String column, int scale) {
        return (scale == CanonicalColumn.MONEY_SCALE ? "rb_money(" : "rb_money_" + scale + "(") + text + ", '"
                + DuckDb.literal(column) + "')";
    }

    /**
     * The input side's amount from the stored side's parse ({@link #inputAmounts()}); a value that does not fit 24
     * places (10^14 or more) goes through {@code parse}, inline so that only such values and NULLs are parsed again.
     */
    private static String reusedParse(String stored, String parse) {
        return "COALESCE(TRY_CAST(" + stored + " AS " + MONEY + "), " + parse + ")";
    }

    /**
     * The file's scan with the parsed values of everything rendered so far ({@link #computed}) as columns; what a
     * rendered select list reads FROM.
     */
    String source() {
        if (computed.isEmpty()) {
            return scan();
        }
        StringBuilder sql = new StringBuilder("(SELECT *");
        computed.forEach((expression, alias) -> sql.append(", ").append(expression).append(" AS ").append(alias));
        return sql.append(" FROM ").append(scan()).append(")").toString();
    }

    /** The name of a parsed value's column in {@link #source()}, computing it there once however often it is read. */
    private String once(String expression) {
        return computed.computeIfAbsent(expression, e -> "rb_v_" + (computed.size() + 1));
    }

    private String placeholder(String kind, String name) {
        if (kind.equals("product")) {
            return productAttribute(name);
        }
        if (kind.equals("column")) {
            return DuckDb.literal(byKey.getOrDefault(key(name), name));
        }
        String actual = byKey.get(key(name));
        if (actual == null) {
            return switch (kind) {
                case "num", "qty" -> "CAST(NULL AS " + MONEY + ")";
                case "month" -> "CAST(NULL AS VARCHAR)";
                case "ts" -> "CAST(NULL AS TIMESTAMP)";
                default -> "CAST(NULL AS VARCHAR)";
            };
        }
        String id = DuckDb.identifier(actual);
        String parquetType = file.parquetTypes().get(actual);
        return switch (kind) {
            // Google Cloud's invoice.month as the period, of the mapping and of the input side: checked once per line,
            // its text not a column of its own (a column of the source cannot read another one that can fail)
            case "month" -> once("rb_invoice_month(" + text(id, actual, parquetType) + ", '" + DuckDb.literal(actual) + "')");
            case "num" -> moneyScale > storedScale && isText(parquetType)
                    ? reusedParse(once(money(id, actual, parquetType, storedScale)), money(id, actual, parquetType, moneyScale))
                    : once(money(id, actual, parquetType, moneyScale));
            case "qty" -> once(wideNumber(id, actual, parquetType));
            case "ts" -> parquetType != null && (parquetType.startsWith("TIMESTAMP") || parquetType.equals("DATE"))
                    ? "CAST(" + id + " AS TIMESTAMP)"
                    : once("rb_ts(" + asText(id, parquetType) + ", '" + DuckDb.literal(actual) + "')");
            default -> once(text(id, actual, parquetType));
        };
    }

    /** A text value (a name, an id) with a NUL byte refused, naming its column (macros.sql). */
    private static String text(String id, String column, String parquetType) {
        return "rb_str(" + (parquetType == null ? id : "rb_text(CAST(" + id + " AS VARCHAR))") + ", '" + DuckDb.literal(column) + "')";
    }

    /** A money value at {@code scale} places; text below 24 places is checked to lose no digit (macros.sql). */
    private String money(String id, String column, String parquetType, int scale) {
        if (scale == CanonicalColumn.MONEY_SCALE) {
            return wideNumber(id, column, parquetType);
        }
        if (isText(parquetType)) {
            return moneyText(asText(id, parquetType), column, scale);
        }
        if (!exactAt(parquetType, scale)) {
            needsWideMoney = true;
        }
        return "CAST(" + id + " AS " + CanonicalColumn.money(scale) + ")";
    }

    /**
     * A number at DECIMAL(38,24): text through rb_money (which names a value it rejects), a binary floating point
     * value (CUR 2.0's DOUBLE costs) through its text, a decimal or integer column by a cast.
     */
    private static String wideNumber(String id, String column, String parquetType) {
        return parquetType == null || parquetType.equals("VARCHAR") || isBinaryFloat(parquetType)
                ? "rb_money(" + asText(id, parquetType) + ", '" + DuckDb.literal(column) + "')"
                : "CAST(" + id + " AS " + MONEY + ")";
    }

    /** An amount read from its text: a CSV column, a Parquet text column, or a DOUBLE through its shortest decimal. */
    private static boolean isText(String parquetType) {
        return parquetType == null || parquetType.equals("VARCHAR") || isBinaryFloat(parquetType);
    }

    /** DOUBLE or FLOAT: the provider's decimal amount stored in binary (AWS CUR 2.0 Parquet). */
    private static boolean isBinaryFloat(String parquetType) {
        return parquetType != null && (parquetType.equals("DOUBLE") || parquetType.equals("FLOAT"));
    }

    /**
     * A number's or timestamp's column as text, with no value as NULL. A CSV column is text already, and read_csv's
     * nullstr has made its empty and NULL fields NULL, so it is read as it is (nothing added per value on the hot
     * path). A Parquet text column (AWS's Athena integration stores every column as text, CUR 2.0 its rates) holds ''
     * where a line has no value, such as the public on-demand rate of a tax or RI fee line: '' is "no value", and any
     * other text that is not a number (or timestamp) still fails naming its value. NULLIF costs about 0.01 s of CPU
     * per 10 M values; the four null forms of CSV (rb_text) cost 0.07 s, and a Parquet file has real NULLs. A DOUBLE
     * becomes the shortest decimal that reads back as the same double (DuckDB's rendering): 0.1 stays 0.1, which is
     * the amount the provider's CSV export shows, where a cast to DECIMAL would store 0.100000000000000008388608;
     * and it keeps such costs at 12 places.
     */
    private static String asText(String id, String parquetType) {
        if (parquetType == null) {
            return id;
        }
        return parquetType.equals("VARCHAR") ? "NULLIF(" + id + ", '')" : "CAST(" + id + " AS VARCHAR)";
    }

    /** Whether every value of a Parquet column of this type has at most {@code scale} decimal places. */
    static boolean exactAt(String parquetType, int scale) {
        if (INTEGERS.contains(parquetType)) {
            return true;
        }
        Matcher m = DECIMAL_TYPE.matcher(parquetType);
        return m.matches() && Integer.parseInt(m.group(2)) <= scale;
    }

    /** CUR 2.0 keeps most product attributes in a map column {@code product} (JSON text in CSV exports). */
    private String productAttribute(String attribute) {
        String product = byKey.get("product");
        if (product == null) {
            return "CAST(NULL AS VARCHAR)";
        }
        String id = DuckDb.identifier(product);
        String type = file.parquetTypes().get(product);
        if (type != null && type.startsWith("MAP")) {
            return "CAST(map_extract_value(" + id + ", '" + DuckDb.literal(attribute) + "') AS VARCHAR)";
        }
        return "json_extract_string(" + id + ", '$." + DuckDb.literal(attribute) + "')";
    }

    /** The DuckDB table function that reads this file, typed so that bad values are rejected with their line. */
    String scan() {
        String path = "'" + DuckDb.literal(file.path().toString()) + "'";
        if (file.container().typed()) {
            String raw = NestedColumns.rawScan(file.path(), file.container());
            return file.flattened().isEmpty() ? raw : NestedColumns.flatScan(file.flattened(), raw);
        }
        StringBuilder columns = new StringBuilder("{");
        boolean first = true;
        // every column is read as text: money goes through rb_money and timestamps through rb_ts, which accept the
        // forms seen in real exports and name the value they reject; the CSV reader itself rejects only lines whose
        // shape is wrong (field counts, quotes), with their line number
        for (String column : file.columns()) {
            columns.append(first ? "" : ", ").append('\'').append(DuckDb.literal(column)).append("': 'VARCHAR'");
            first = false;
        }
        columns.append('}');
        StringBuilder nulls = new StringBuilder("[");
        for (int i = 0; i < NULL_STRINGS.size(); i++) {
            nulls.append(i == 0 ? "" : ", ").append('\'').append(DuckDb.literal(NULL_STRINGS.get(i))).append('\'');
        }
        nulls.append(']');
        return "read_csv(" + path + ", header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"',"
                + " strict_mode = true, store_rejects = true, columns = " + columns + ", nullstr = " + nulls
                + ", compression = '" + (file.container() == Container.GZIP_CSV ? "gzip" : "none") + "')";
    }
}

package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.duckdb.DuckDb;

import java.util.Map;

/**
 * The SQL for the Azure and Google Cloud columns that are more than one value: Azure's tags, Google Cloud's labels and
 * credits. Each reads the column as the file holds it: JSON text in a CSV file, a list of records in a JSON lines or
 * Parquet file exported from BigQuery.
 */
final class ProviderColumns {
    /** One Google Cloud credit, its amount as text (BigQuery's FLOAT64 written as its shortest decimal). */
    static final String CREDIT_TYPE = "STRUCT(\"name\" VARCHAR, \"amount\" VARCHAR, \"type\" VARCHAR)";
    private static final String NO_TAGS = "CAST(NULL AS " + CanonicalColumn.TAGS_TYPE + ")";

    private ProviderColumns() {
    }

    /**
     * Azure's Tags column: a JSON object, or its members without the outer braces as the cost-details export writes
     * them ({@code "CostCenter": "1234","env": "prod"}); either way a list of key/value pairs without empty values.
     */
    static String azureTags(String column) {
        if (column == null) {
            return NO_TAGS;
        }
        String id = DuckDb.identifier(column);
        String object = "CASE WHEN starts_with(ltrim(" + id + "), '{') THEN " + id + " ELSE '{' || " + id + " || '}' END";
        return "list_transform(list_filter(map_entries(json_transform(" + object + ", '\"MAP(VARCHAR, VARCHAR)\"')),"
                + " lambda e: e.value IS NOT NULL AND e.value <> ''), lambda e: {'key': e.key, 'value': e.value})";
    }

    /**
     * Google Cloud's labels: a repeated record of key and value; in CSV the JSON text of that list (BigQuery writes a
     * repeated field to CSV only as JSON, e.g. through TO_JSON_STRING).
     */
    static String gcpLabels(String column, Map<String, String> types) {
        if (column == null) {
            return NO_TAGS;
        }
        String id = DuckDb.identifier(column);
        String list = types.containsKey(column)
                ? "list_transform(" + id + ", lambda l: {'key': CAST(l.\"key\" AS VARCHAR), 'value': CAST(l.\"value\" AS VARCHAR)})"
                // no labels ('[]', most lines): no JSON parse
                : "CASE WHEN " + id + " <> '[]' THEN from_json(" + id + ", '[{\"key\":\"VARCHAR\",\"value\":\"VARCHAR\"}]') END";
        return "list_filter(" + list + ", lambda e: e.value IS NOT NULL AND e.value <> '')";
    }

    /**
     * Google Cloud's credits of one line as a list of {@link #CREDIT_TYPE}, never NULL (an empty list when a line has
     * none), so that the mapping can make a line of each.
     */
    static String gcpCredits(String column, Map<String, String> types) {
        String none = "CAST([] AS " + CREDIT_TYPE + "[])";
        if (column == null) {
            return none;
        }
        String id = DuckDb.identifier(column);
        String type = types.get(column);
        if (type == null) {
            // most lines have no credit ('[]'): no JSON parse for them
            return "CASE WHEN " + id + " IS NULL OR " + id + " = '[]' THEN " + none + " ELSE from_json(" + id
                    + ", '[{\"name\":\"VARCHAR\",\"amount\":\"VARCHAR\",\"type\":\"VARCHAR\"}]') END";
        }
        String name = type.contains("\"name\"") || type.contains("(name ") || type.contains(", name ") ? "CAST(c.\"name\" AS VARCHAR)" : "NULL";
        String kind = type.contains("\"type\"") || type.contains(", type ") || type.contains("(type ") ? "CAST(c.\"type\" AS VARCHAR)" : "NULL";
        return "COALESCE(CAST(list_transform(" + id + ", lambda c: {'name': " + name + ", 'amount': CAST(c.amount AS VARCHAR),"
                + " 'type': " + kind + "}) AS " + CREDIT_TYPE + "[]), " + none + ")";
    }
}

package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.duckdb.DuckDb;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The canonical tags of a file as SQL ({@link CanonicalColumn#TAGS_TYPE}), whichever way its format keeps them: per-tag
 * columns, a map column, or a JSON column ({@link ProviderColumns} for Azure and Google Cloud). Rendered by
 * {@link MappingQuery} for its {@code {{tags}}} placeholder.
 */
final class TagColumns {
    private TagColumns() {
    }

    /**
     * Tags from per-tag columns (legacy and Athena CUR), a map column (CUR 2.0) or a JSON column (FOCUS), as the
     * canonical list of key/value pairs without empty values ({@link CanonicalColumn#TAGS_TYPE}); {@code byKey} is the
     * file's columns by {@link MappingQuery#key}.
     */
    static String of(SniffedFile file, Map<String, String> byKey) {
        List<String> entries = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (String column : file.columns()) {
            String tagKey = tagKeyOfColumn(column);
            // two columns naming one tag (resourceTags/user:team and resourceTags/team): the first one holds it
            if (tagKey != null && keys.add(tagKey)) {
                entries.add("{'key': '" + DuckDb.literal(tagKey) + "', 'value': CAST(" + DuckDb.identifier(column)
                        + " AS VARCHAR)}");
            }
        }
        if (!entries.isEmpty()) {
            return noTagsIsNull("list_filter([" + String.join(", ", entries)
                    + "], lambda e: e.value IS NOT NULL AND e.value <> '')");
        }
        switch (file.format()) {
            case AZURE_COST_DETAILS, AZURE_USAGE -> {
                return noTagsIsNull(ProviderColumns.azureTags(byKey.get("tags")));
            }
            case GCP_BILLING -> {
                return noTagsIsNull(ProviderColumns.gcpLabels(byKey.get("labels"), file.parquetTypes()));
            }
            case CUR_LEGACY, CUR_SNAKE, FOCUS -> {
            }
        }
        String mapColumn = file.format() == SourceFormat.FOCUS ? byKey.get("tags") : byKey.get("resourcetags");
        if (mapColumn == null) {
            return "CAST(NULL AS " + CanonicalColumn.TAGS_TYPE + ")";
        }
        String id = DuckDb.identifier(mapColumn);
        String type = file.parquetTypes().get(mapColumn);
        String map = type != null && type.startsWith("MAP")
                ? "CAST(" + id + " AS MAP(VARCHAR, VARCHAR))"
                : "json_transform(CASE WHEN " + id + " IN ('', 'NULL', 'null', '\\N') THEN NULL ELSE " + id
                + " END, '\"MAP(VARCHAR, VARCHAR)\"')";
        String keyRule = file.format() == SourceFormat.FOCUS ? "e.key" : "rb_cur_tag_key(e.key)";
        return noTagsIsNull("list_transform(list_filter(map_entries(" + map
                + "), lambda e: e.value IS NOT NULL AND e.value <> ''), lambda e: {'key': " + keyRule
                + ", 'value': e.value})");
    }

    /**
     * No tags is stored as NULL, so "no tags" looks the same from every format. NULLIF evaluates the list once; a
     * CASE (or a macro) naming it twice would build every line's list twice.
     */
    private static String noTagsIsNull(String list) {
        return "nullif(" + list + ", CAST([] AS " + CanonicalColumn.TAGS_TYPE + "))";
    }

    /** resourceTags/user:team -> team, resourceTags/aws:createdBy -> aws:createdBy, resource_tags_user_team -> team. */
    static String tagKeyOfColumn(String column) {
        if (column.startsWith("resourceTags/")) {
            String key = column.substring("resourceTags/".length());
            return key.startsWith("user:") ? key.substring(5) : key;
        }
        if (column.startsWith("resource_tags_")) {
            String key = column.substring("resource_tags_".length());
            if (key.startsWith("user_")) {
                return key.substring(5);
            }
            return key.startsWith("aws_") ? "aws:" + key.substring(4) : key;
        }
        return null;
    }
}

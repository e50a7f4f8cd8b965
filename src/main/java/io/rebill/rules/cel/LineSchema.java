package io.rebill.rules.cel;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.MapType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import io.rebill.ingestion.CanonicalColumn;

import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The CEL variable {@code line}: a message type whose fields are exactly the canonical columns. Strings, decimals
 * and tag values are declared nullable (CEL's wrapper types) so that {@code line.region_id == null} and
 * {@code line.tags['team'] == null} type-check (timestamps accept null as they are); a decimal is a CEL double for
 * type checking only: values are never computed as doubles.
 */
final class LineSchema {
    static final String VARIABLE = "line";
    private static final String TYPE_NAME = "rebill.Line";

    private static final Map<String, CanonicalColumn> BY_NAME = Arrays.stream(CanonicalColumn.values())
            .collect(Collectors.toMap(CanonicalColumn::column, c -> c, (a, b) -> a, LinkedHashMap::new));

    static final StructType TYPE = StructType.create(TYPE_NAME, ImmutableSet.copyOf(BY_NAME.keySet()),
            name -> field(name).map(c -> celType(kind(c))));

    static final CelTypeProvider TYPES = new CelTypeProvider() {
        @Override
        public ImmutableCollection<CelType> types() {
            return ImmutableList.of(TYPE);
        }

        @Override
        public Optional<CelType> findType(String name) {
            return TYPE_NAME.equals(name) ? Optional.of(TYPE) : Optional.empty();
        }
    };

    private LineSchema() {
    }

    static Optional<CanonicalColumn> field(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    static Kind kind(CanonicalColumn column) {
        String type = column.sqlType();
        if (type.equals("VARCHAR")) {
            return Kind.STRING;
        } else if (type.equals("TIMESTAMP")) {
            return Kind.TIMESTAMP;
        } else if (type.startsWith("DECIMAL")) {
            return Kind.DECIMAL;
        } else if (column == CanonicalColumn.TAGS) {
            // stored as a list of key/value pairs; to CEL a map(string, string), looked up by tagValueSql
            return Kind.TAGS;
        }
        throw new IllegalStateException("no CEL kind for " + column + " " + type);
    }

    private static CelType celType(Kind kind) {
        return switch (kind) {
            case STRING -> NullableType.create(SimpleType.STRING);
            case DECIMAL -> NullableType.create(SimpleType.DOUBLE);
            case TIMESTAMP -> SimpleType.TIMESTAMP;
            case TAGS -> MapType.create(SimpleType.STRING, NullableType.create(SimpleType.STRING));
            case BOOL, INT -> throw new IllegalStateException("no canonical column is " + kind);
        };
    }

    /**
     * "; did you mean region_id?" for a misspelt or FOCUS-cased name ({@code RegionId}), else the list of fields.
     */
    static String suggestion(String name) {
        String snake = name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
        if (BY_NAME.containsKey(snake)) {
            return "; did you mean " + snake + "?";
        }
        int limit = Math.max(2, snake.length() / 4);
        Optional<String> closest = BY_NAME.keySet().stream()
                .min(Comparator.comparingInt((String f) -> distance(snake, f)).thenComparing(f -> f))
                .filter(f -> distance(snake, f) <= limit);
        return closest.map(f -> "; did you mean " + f + "?")
                .orElseGet(() -> "; the fields are " + String.join(", ", BY_NAME.keySet()));
    }

    /** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

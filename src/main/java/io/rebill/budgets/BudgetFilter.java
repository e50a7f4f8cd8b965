package io.rebill.budgets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a budget counts of its account's figures: for each dimension present, only rows with one of its values (no
 * dimension: everything). Values are compared exactly, as the daily aggregates hold them.
 */
public record BudgetFilter(Map<Dimension, List<String>> values) {
    public static final BudgetFilter NONE = new BudgetFilter(Map.of());

    public BudgetFilter {
        Map<Dimension, List<String>> copy = new EnumMap<>(Dimension.class);
        values.forEach((d, v) -> {
            if (v == null || v.isEmpty() || v.size() > 100 || v.stream().anyMatch(s -> s == null || s.isBlank()
                    || s.length() > 200)) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "filters." + d.key() + " must list 1 to 100"
                        + " values of at most 200 characters, none blank");
            }
            copy.put(d, List.copyOf(v));
        });
        values = Map.copyOf(copy);
    }

    /** From the API's spelling, {@code {"service": ["AmazonEC2"]}}. */
    public static BudgetFilter of(Map<String, List<String>> byKey) {
        Map<Dimension, List<String>> values = new EnumMap<>(Dimension.class);
        byKey.forEach((k, v) -> values.put(Dimension.parse(k), v));
        return new BudgetFilter(values);
    }

    /** The API's spelling, in the dimensions' order. */
    public Map<String, List<String>> byKey() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Dimension d : Dimension.values()) {
            if (values.containsKey(d)) {
                out.put(d.key(), values.get(d));
            }
        }
        return out;
    }

    public Set<Dimension> dimensions() {
        return values.keySet();
    }

    public boolean needsFineRows() {
        return values.keySet().stream().anyMatch(Dimension::fine);
    }
}

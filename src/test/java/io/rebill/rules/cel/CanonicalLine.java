package io.rebill.rules.cel;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A canonical line for condition tests, as the reference evaluator reads it:
 * {@code aLine().region("us-east-1").billed("10.5").start("2024-06-04T10:00").tag("team", "platform")}.
 * Unset fields are NULL; tags are NULL until a tag is set or {@link #emptyTags()} is called.
 */
final class CanonicalLine {
    private final Map<String, Object> values = new HashMap<>();

    static CanonicalLine aLine() {
        return new CanonicalLine();
    }

    CanonicalLine set(String column, Object value) {
        values.put(column, value);
        return this;
    }

    CanonicalLine region(String v) {
        return set("region_id", v);
    }

    CanonicalLine service(String v) {
        return set("service_name", v);
    }

    CanonicalLine chargeType(String v) {
        return set("x_charge_type", v);
    }

    CanonicalLine billed(String v) {
        return set("billed_cost", v == null ? null : new BigDecimal(v));
    }

    CanonicalLine start(String isoLocalUtc) {
        return set("charge_period_start", LocalDateTime.parse(isoLocalUtc));
    }

    CanonicalLine end(String isoLocalUtc) {
        return set("charge_period_end", LocalDateTime.parse(isoLocalUtc));
    }

    @SuppressWarnings("unchecked")
    CanonicalLine tag(String key, String value) {
        Map<String, String> tags = (Map<String, String>) values.computeIfAbsent("tags", k -> new LinkedHashMap<>());
        tags.put(key, value);
        return this;
    }

    CanonicalLine emptyTags() {
        values.put("tags", new LinkedHashMap<String, String>());
        return this;
    }

    Map<String, Object> build() {
        return new HashMap<>(values);
    }
}

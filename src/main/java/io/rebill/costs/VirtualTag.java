package io.rebill.costs;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A virtual tag of one account (issue 12 item 4): a key and an ordered list of (CEL condition over the line, value);
 * a line takes the value of the first condition it meets, and no value when it meets none.
 */
public record VirtualTag(UUID id, String key, List<Rule> rules, String createdBy, Instant createdAt,
                         Instant updatedAt) {
    public VirtualTag {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        rules = List.copyOf(rules);
    }

    public record Rule(String condition, String value) {
        public Rule {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(value, "value");
        }
    }
}

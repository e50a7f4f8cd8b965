package io.rebill.costs;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A virtual tag of one account (issue 12 item 4): a key and an ordered list of (CEL condition over the line, value);
 * a line takes the value of the first condition it meets, and no value when it meets none. {@code problem} says why
 * bill runs skip it (a condition saved by an earlier version that this one no longer compiles), empty when they
 * compute it.
 */
public record VirtualTag(UUID id, String key, List<Rule> rules, String createdBy, Instant createdAt,
                         Instant updatedAt, Optional<String> problem) {
    public VirtualTag {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(problem, "problem");
        rules = List.copyOf(rules);
    }

    public record Rule(String condition, String value) {
        public Rule {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(value, "value");
        }
    }
}

package io.rebill.rules;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a bill run sums per tag for the cost reports (issue 12 items 2 and 4): the {@code providerKeys} most frequent
 * provider tag keys of the period's lines, and every virtual tag (an MSP's over every line, a customer account's over
 * that customer's lines only, {@code customerKey} being its id in the configuration).
 */
public record TagDimensions(int providerKeys, List<VirtualTagSql> virtualTags) {
    public TagDimensions {
        if (providerKeys < 0) {
            throw new IllegalArgumentException("providerKeys must not be negative");
        }
        virtualTags = List.copyOf(virtualTags);
    }

    public static TagDimensions none() {
        return new TagDimensions(0, List.of());
    }

    public boolean isEmpty() {
        return providerKeys == 0 && virtualTags.isEmpty();
    }

    /**
     * A virtual tag: its id, its key and account as people name them (for the run's warning when it is skipped),
     * whose lines it covers (empty: every line), and its cases in order.
     */
    public record VirtualTagSql(String id, String key, String account, Optional<String> customerKey, List<Case> cases) {
        public VirtualTagSql {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(customerKey, "customerKey");
            cases = List.copyOf(cases);
        }

        /** A tag known by its id only (benchmarks, tests): its key is its id, its account the customer's or the MSP. */
        public VirtualTagSql(String id, Optional<String> customerKey, List<Case> cases) {
            this(id, id, customerKey.map(k -> "customer " + k).orElse("the MSP"), customerKey, cases);
        }

        /** How the run's warning names it: {@code virtual tag 'Team' (id) of Acme Corp}. */
        public String label() {
            return "virtual tag '" + key + "' (" + id + ") of " + account;
        }
    }

    /** A line meeting {@code condition} (CEL, docs/cel.md) takes {@code value}, unless an earlier case took it. */
    public record Case(String condition, String value) {
        public Case {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(value, "value");
        }
    }
}

package io.rebill.rules;

import java.util.List;
import java.util.Objects;

/**
 * An ordered list of rules applied to each customer's lines (spec §3), starting from the cost on its basis.
 */
public record Workflow(String id, String title, Basis basis, List<String> ruleIds) {
    public Workflow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(basis, "basis");
        ruleIds = List.copyOf(ruleIds);
    }

    public enum Basis { EFFECTIVE, BILLED, LIST }
}

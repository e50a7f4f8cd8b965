package io.rebill.billingconfig;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong in a billing configuration change, for a form to mark: which item ({@code rule}, {@code workflow},
 * {@code customer}, {@code assignment}, {@code msp}) with which key, which field of it, and what is wrong. An
 * imported msp.yaml also gives the line and column in the uploaded file.
 */
public record BillingConfigProblem(String item, Optional<String> key, Optional<String> field, Optional<Integer> line,
                                   Optional<Integer> column, String message) {
    public BillingConfigProblem {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return line.map(l -> "msp.yaml:" + l + ":" + column.orElse(1) + ": ").orElse("") + message;
    }
}

package io.rebill.rules;

import io.rebill.shared.time.BillingPeriod;

import java.util.Objects;

/** From {@code from} on (until a later assignment of the same customer), the customer is billed with a workflow. */
public record Assignment(String customerId, String workflowId, BillingPeriod from) {
    public Assignment {
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(workflowId, "workflowId");
        Objects.requireNonNull(from, "from");
    }
}

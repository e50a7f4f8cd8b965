package io.rebill.billingconfig;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An ordered list of rule keys applied to a customer's lines from the cost on {@code basis} (effective, billed or
 * list). {@code accountId} is set for a customer account's own workflow, made by assigning rules to the account;
 * {@code assignedTo} names the customers (keys) with an assignment to it.
 */
public record BillingWorkflow(UUID id, String key, String title, String basis, List<String> rules,
                              Optional<UUID> accountId, List<String> assignedTo, Instant createdAt, String createdBy,
                              Instant updatedAt) {
    public BillingWorkflow {
        rules = List.copyOf(rules);
        assignedTo = List.copyOf(assignedTo);
    }
}

package io.rebill.billingconfig;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A billing rule of an MSP. {@code definition} is the rule's mapping in msp.yaml (docs/msp-config.md) with its id
 * called {@code key}, numbers as exact decimal strings; {@code usedBy} the workflows that list it, in the MSP's order.
 * {@code visibleToCustomer}: only charges and credits ever show on a customer's invoice.
 */
public record BillingRule(UUID id, String key, String kind, String title, Map<String, Object> definition,
                          boolean visibleToCustomer, List<String> usedBy, Instant createdAt, String createdBy,
                          Instant updatedAt) {
    public BillingRule {
        usedBy = List.copyOf(usedBy);
    }
}

package io.rebill.billingconfig;

import io.rebill.shared.time.BillingPeriod;

import java.time.Instant;
import java.util.UUID;

/** From {@code from} on (until a later assignment), the customer account is billed with the workflow. */
public record BillingAssignment(UUID accountId, String accountKey, BillingPeriod from, String workflow,
                                Instant createdAt, String createdBy) {
}

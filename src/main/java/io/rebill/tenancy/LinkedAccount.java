package io.rebill.tenancy;

import io.rebill.shared.time.BillingPeriod;

import java.util.Optional;
import java.util.UUID;

/**
 * A linked (sub) account of an MSP integration billed to a customer from {@code from} on (until a later row for the
 * same linked account); an empty customer means "billed to nobody from then on".
 */
public record LinkedAccount(UUID integrationId, String subAccountId, BillingPeriod from, Optional<UUID> customerId,
                            Optional<String> customerName, String createdBy) {
}

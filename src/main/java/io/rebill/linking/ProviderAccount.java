package io.rebill.linking;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.UUID;

/**
 * A provider account (AWS linked account, subscription, project) seen in the latest billing period of one of the
 * MSP's integrations: its cost in that period (effective, in the lines' currency), whether it is the payer itself
 * (the MSP's own account: it pays for the others), its name where the export has one, and the customer it is billed
 * to in that period.
 */
public record ProviderAccount(UUID integrationId, String integrationName, String subAccountId, Optional<String> name,
                              boolean payer, String period, BigDecimal cost, String currency,
                              Optional<UUID> customerId, Optional<String> customerName) {
}

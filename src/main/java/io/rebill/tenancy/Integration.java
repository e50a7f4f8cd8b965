package io.rebill.tenancy;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A provider integration owned by an account: an MSP's consolidated payer (its linked accounts are assigned to
 * customers) or a customer's own. Its line items are stored under the ingestion source {@code sourceName}; its files
 * come from {@code location} ({@code folder} is the server folder of a folder location, kept for callers that read
 * only that).
 */
public record Integration(UUID id, UUID accountId, String provider, String name, String sourceName,
                          Optional<String> folder, Instant createdAt, String createdBy, IntegrationLocation location,
                          IntegrationSync sync) {
}

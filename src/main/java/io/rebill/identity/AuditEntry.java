package io.rebill.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** One line of the audit log: the real person ({@code actorEmail}), and "Manager User" in actingAs when they acted for a customer. */
public record AuditEntry(long id, Optional<UUID> accountId, String actorEmail, Optional<String> actingAs, String action,
                         Optional<String> target, String detail, Instant at) {
}

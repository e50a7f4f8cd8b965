package io.rebill.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** A token as listed: never the token itself, only its first characters. */
public record ApiToken(UUID id, UUID userId, String userEmail, UUID accountId, String name, String prefix,
                       TokenScope scope, Instant createdAt, Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {
    public boolean active() {
        return revokedAt.isEmpty();
    }
}

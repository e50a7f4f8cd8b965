package io.rebill.identity;

import java.time.Instant;
import java.util.UUID;

/** A user as a member of one account, with their role there. */
public record Member(UUID userId, String email, String displayName, boolean hasPassword, Role role, Instant since,
                     String addedBy) {
}

package io.rebill.identity;

import java.time.Instant;
import java.util.UUID;

/**
 * A user as a member of one account, with their role there, or an open invitation of the account (then
 * {@code userId} is the invitation's id). {@link Status} is what the account's users list shows.
 */
public record Member(UUID userId, String email, String displayName, boolean hasPassword, Role role, Instant since,
                     String addedBy, Status status) {

    /**
     * ACTIVE: a user of the account (or an invitation added with an initial password or SSO, listed the same way);
     * PENDING / EXPIRED: an invitation sent as one, not yet accepted; ACCEPTED: a user who came in through one.
     */
    public enum Status {
        ACTIVE, PENDING, EXPIRED, ACCEPTED;

        static Status fromDb(String status) {
            return valueOf(status.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public boolean openInvitation() {
        return status == Status.PENDING || status == Status.EXPIRED;
    }
}

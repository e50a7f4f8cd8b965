package io.rebill.identity;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.tenancy.ContactEmail;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Invitations into an account (issue 14 item 8, docs/security.md "Invitations"): a link mailed to the address holds
 * {@code ri_} + 32 random bytes, of which only the SHA-256 is stored; it expires after {@link #VALID_FOR}, the
 * account's Owner can revoke it or send a new one (the old link stops working). Accepting is the only way an
 * invitation grants anything: a new person sets a name and password and becomes a user with one membership; a person
 * who already has a Rebill user (one user per email, any number of memberships) signs in as that user and gains a
 * membership of the inviting account with the role the invitation names. Each link is used once.
 */
public final class Invitations {
    static final SqlStatements SQL = SqlStatements.load(Invitations.class, "invitations.sql");
    public static final Duration VALID_FOR = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    public enum State { PENDING, EXPIRED, ACCEPTED, REVOKED }

    /** One invitation, as its account and its link see it. */
    public record Invitation(UUID id, UUID accountId, String email, String displayName, Role role,
                             Optional<Instant> expiresAt, Optional<Instant> acceptedAt, Optional<Instant> revokedAt,
                             String createdBy, boolean listedAsInvitation) {
        public State state(Instant now) {
            if (acceptedAt.isPresent()) {
                return State.ACCEPTED;
            }
            if (revokedAt.isPresent()) {
                return State.REVOKED;
            }
            return expiresAt.isEmpty() || expiresAt.get().isAfter(now) ? State.PENDING : State.EXPIRED;
        }
    }

    /** A new link: the token is in the mail only. */
    public record Issued(Invitation invitation, String token, String accountName) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final PasswordEncoder encoder;
    private final Clock clock;

    public Invitations(JdbcClient jdbc, TransactionTemplate tx, PasswordEncoder encoder, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.encoder = encoder;
        this.clock = clock;
    }

    public Optional<Invitation> find(UUID accountId, UUID id) {
        return jdbc.sql(SQL.get("find")).param("account", accountId).param("id", id).query(INVITATION).optional();
    }

    /**
     * A new link for an open invitation (on creation and on "Send again"), valid {@link #VALID_FOR} from now; the
     * previous link of the invitation stops working.
     */
    public Issued issue(UUID accountId, UUID id) {
        Invitation invitation = find(accountId, id).orElseThrow(() -> Users.unknownUser(id));
        State state = invitation.state(clock.instant());
        if (state == State.ACCEPTED || state == State.REVOKED) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "the invitation of " + invitation.email() + " was "
                    + state.name().toLowerCase(Locale.ROOT) + "; add the address again to invite it anew");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = "ri_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        jdbc.sql(SQL.get("issue")).param("account", accountId).param("id", id).param("hash", ApiTokens.hash(token))
                .param("expires", Timestamp.from(clock.instant().plus(VALID_FOR))).update();
        String accountName = jdbc.sql(SQL.get("account-name")).param("account", accountId).query(String.class).single();
        return new Issued(find(accountId, id).orElseThrow(), token, accountName);
    }

    /** Whether the mail went out; the error (the mail server's words) is kept for the account's users list. */
    public void sent(UUID accountId, UUID id, Optional<String> error) {
        jdbc.sql(SQL.get("sent")).param("account", accountId).param("id", id)
                .param("error", error.map(e -> e.length() > 500 ? e.substring(0, 500) : e).orElse(null), Types.VARCHAR)
                .update();
    }

    /** Why the invitation's latest mail did not go out, if it did not. */
    public Optional<String> sendError(UUID accountId, UUID id) {
        return jdbc.sql(SQL.get("send-error")).param("account", accountId).param("id", id).query(String.class)
                .optional();
    }

    /** The invitation a link names; empty for a token that never was (or was replaced by a newer link). */
    public Optional<Invitation> byToken(String token) {
        if (token == null || !token.startsWith("ri_") || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql(SQL.get("by-token")).param("hash", ApiTokens.hash(token)).query(INVITATION).optional();
    }

    /** The account's name, for the accept page. */
    public String accountName(Invitation invitation) {
        return jdbc.sql(SQL.get("account-name")).param("account", invitation.accountId()).query(String.class).single();
    }

    /** A person without a Rebill user accepts: their user is created with the name and password they chose. */
    public User acceptAsNewUser(String token, String displayName, String password) {
        Users.checkPassword(password);
        String name = displayName == null ? "" : displayName.strip();
        if (name.isEmpty() || name.length() > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "name: type your name (at most 200 characters)");
        }
        return tx.execute(status -> {
            Invitation invitation = openByToken(token);
            if (userIdOf(invitation.email()).isPresent()) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, invitation.email() + " already has a Rebill user:"
                        + " sign in as " + invitation.email() + ", then open the link again to accept");
            }
            UUID userId = UUID.randomUUID();
            jdbc.sql(Users.SQL.get("insert-user")).param("id", userId)
                    .param("email", ContactEmail.check(invitation.email(), "email")).param("name", name)
                    .param("hash", encoder.encode(password)).param("createdBy", invitation.createdBy()).update();
            join(invitation, userId);
            return new User(userId, invitation.email(), name, true, clock.instant());
        });
    }

    /** A signed-in user accepts an invitation of their own address; it is a membership of the account from now on. */
    public void acceptAs(String token, User user) {
        tx.executeWithoutResult(status -> {
            Invitation invitation = openByToken(token);
            if (!invitation.email().equalsIgnoreCase(user.email())) {
                throw new RebillException(ErrorCode.FORBIDDEN, "this invitation is for " + invitation.email()
                        + ", and you are signed in as " + user.email() + ": sign out, then sign in as "
                        + invitation.email() + " to accept it");
            }
            join(invitation, user.id());
        });
    }

    /** Withdraws an open invitation: its link says so, and it grants nothing. */
    public void revoke(UUID accountId, UUID id) {
        jdbc.sql(SQL.get("revoke")).param("account", accountId).param("id", id).update();
    }

    private void join(Invitation invitation, UUID userId) {
        boolean member = jdbc.sql(Users.SQL.get("member")).param("account", invitation.accountId())
                .param("user", userId).query((rs, n) -> 1).optional().isPresent();
        if (!member) {
            jdbc.sql(Users.SQL.get("insert-membership")).param("user", userId).param("account", invitation.accountId())
                    .param("role", invitation.role().dbName()).param("createdBy", invitation.createdBy()).update();
        }
        jdbc.sql(SQL.get("accepted")).param("id", invitation.id()).param("account", invitation.accountId())
                .param("user", userId).update();
    }

    private Invitation openByToken(String token) {
        if (token == null || !token.startsWith("ri_") || token.length() > 100) {
            throw notValid();
        }
        Invitation invitation = jdbc.sql(SQL.get("lock-by-token")).param("hash", ApiTokens.hash(token))
                .query(INVITATION).optional().orElseThrow(Invitations::notValid);
        switch (invitation.state(clock.instant())) {
            case PENDING -> {
                return invitation;
            }
            case EXPIRED -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "this invitation expired; ask "
                    + invitation.createdBy() + " to send it again");
            case ACCEPTED -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "this invitation was already"
                    + " accepted; sign in as " + invitation.email());
            case REVOKED -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "this invitation was withdrawn by"
                    + " the account; ask " + invitation.createdBy() + " if you should still have access");
        }
        throw new IllegalStateException();
    }

    private Optional<UUID> userIdOf(String email) {
        return jdbc.sql(Users.SQL.get("find-user-by-email")).param("email", email)
                .query((rs, n) -> rs.getObject("id", UUID.class)).optional();
    }

    static RebillException notValid() {
        return new RebillException(ErrorCode.BAD_ARGUMENT, "this invitation link is not valid (mistyped, or"
                + " replaced by a newer one): use the link of the latest invitation email, or ask for a new one");
    }

    private static Optional<Instant> instant(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }

    private static final RowMapper<Invitation> INVITATION = (rs, n) -> new Invitation(rs.getObject("id", UUID.class),
            rs.getObject("account_id", UUID.class), rs.getString("email"), rs.getString("display_name"),
            Role.fromDb(rs.getString("role")), instant(rs, "expires_at"), instant(rs, "accepted_at"),
            instant(rs, "revoked_at"), rs.getString("created_by"), rs.getBoolean("listed_as_invitation"));
}

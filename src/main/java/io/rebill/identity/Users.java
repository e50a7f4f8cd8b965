package io.rebill.identity;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.CountedPages;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.ContactEmail;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Types;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Users and their memberships. Passwords are hashed with the delegating encoder ({@code {bcrypt}...}); an account
 * always keeps at least one Owner.
 */
public final class Users {
    static final SqlStatements SQL = SqlStatements.load(Users.class, "identity.sql");
    public static final int MIN_PASSWORD = 12;
    private static final int MAX_PASSWORD = 128;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final PasswordEncoder encoder;

    public Users(JdbcClient jdbc, TransactionTemplate tx, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.encoder = encoder;
    }

    public Optional<User> find(UUID id) {
        return jdbc.sql(SQL.get("find-user")).param("id", id).query(USER).optional();
    }

    public Optional<User> findByEmail(String email) {
        return jdbc.sql(SQL.get("find-user-by-email")).param("email", email == null ? "" : email.strip())
                .query(USER).optional();
    }

    /**
     * The display names of the users with these addresses (compared as sign-in does, case-blind), by the address as
     * given, in one statement; an address without a user is not in the map.
     */
    public java.util.Map<String, String> displayNames(java.util.Collection<String> emails) {
        java.util.function.Function<String, String> key = e -> e.strip().toLowerCase(java.util.Locale.ROOT);
        List<String> given = emails.stream().filter(e -> e != null && !e.isBlank()).distinct().toList();
        java.util.Map<String, String> byKey = new java.util.HashMap<>();
        if (!given.isEmpty()) {
            jdbc.sql(SQL.get("display-names-by-email")).param("emails", given.stream().map(key).distinct().toList())
                    .query((rs, n) -> byKey.put(rs.getString("email"), rs.getString("display_name"))).list();
        }
        java.util.Map<String, String> names = new java.util.HashMap<>();
        given.forEach(e -> java.util.Optional.ofNullable(byKey.get(key.apply(e))).ifPresent(name -> names.put(e, name)));
        return names;
    }

    /** The stored hash for a sign-in check; empty for unknown users and SSO-only users. */
    public Optional<String> passwordHash(UUID id) {
        return jdbc.sql(SQL.get("find-user")).param("id", id).query((rs, n) -> rs.getString("password_hash"))
                .optional().flatMap(Optional::ofNullable);
    }

    /**
     * The signed-in user with the account they act from, read once per request in one statement (it was three: the
     * user, the memberships, the account). The account is the one {@code onlyAccount} names (an API token acts only
     * in the account it was made in) or else the first membership, the MSP account first. Empty when the user was
     * deleted; {@link SignedIn#home()} empty when they are no longer a member there. Read on every request, never
     * kept, so a deleted user, a removed membership and a changed role apply to the very next request.
     */
    public Optional<SignedIn> signedIn(UUID userId, Optional<UUID> onlyAccount) {
        return signedIn(userId, onlyAccount, Optional.empty());
    }

    /** As above; {@code chosen}: the account a session chose among the user's accounts, used first while a member. */
    public Optional<SignedIn> signedIn(UUID userId, Optional<UUID> onlyAccount, Optional<UUID> chosen) {
        return jdbc.sql(SQL.get("signed-in")).param("user", userId)
                .param("account", onlyAccount.orElse(null), Types.OTHER)
                .param("chosen", chosen.orElse(null), Types.OTHER)
                .query(SIGNED_IN).optional();
    }

    /** A signed-in read's row (user_* columns, member_role and the account's columns): also the token's read. */
    static final RowMapper<SignedIn> SIGNED_IN = (rs, n) -> {
        User user = new User(rs.getObject("user_id", UUID.class), rs.getString("user_email"),
                rs.getString("user_display_name"), rs.getBoolean("user_has_password"),
                rs.getTimestamp("user_created_at").toInstant());
        String role = rs.getString("member_role");
        return new SignedIn(user, role == null ? Optional.empty()
                : Optional.of(new SignedIn.Home(Accounts.ROW.mapRow(rs, n), Role.fromDb(role))));
    };

    /** Memberships, the MSP account first: the first one is where a user lands after signing in. */
    public List<Membership> memberships(UUID userId) {
        return jdbc.sql(SQL.get("memberships-of-user")).param("user", userId)
                .query((rs, n) -> new Membership(rs.getObject("account_id", UUID.class), Role.fromDb(rs.getString("role"))))
                .list();
    }

    /**
     * Adds a member to an account, creating the user when the email is new. A password is required unless the
     * user will sign in through SSO ({@code password} empty).
     *
     * <p>An email that already belongs to a user of another account is not refused, as that would tell the adder
     * the address exists elsewhere (issue 14 item 8): it becomes an invitation of this account, answered and
     * listed exactly like a user added with a new address (the name, role and sign-in the adder chose), and the
     * caller mails its link ({@link Invitations}). The person keeps their own account and password; nothing of theirs
     * changes until they accept. A customer account never adds addresses in
     * its MSP's email domain (or a subdomain): those are the MSP's staff, who act there as Manager User.
     */
    public Member addMember(UUID accountId, AccountKind kind, String email, String displayName, Optional<String> password,
                            Role role, String createdBy) {
        return add(accountId, kind, email, displayName, password, role, createdBy, false);
    }

    /**
     * Invites an address into the account, whether or not it already has a user (docs/security.md "Invitations"):
     * always an invitation, listed as Pending until the person accepts the mailed link (see {@link Invitations}),
     * answered the same either way. The person chooses their own password, so the adder gives none.
     */
    public Member invite(UUID accountId, AccountKind kind, String email, String displayName, Role role,
                         String createdBy) {
        return add(accountId, kind, email, displayName, Optional.empty(), role, createdBy, true);
    }

    private Member add(UUID accountId, AccountKind kind, String email, String displayName, Optional<String> password,
                       Role role, String createdBy, boolean invite) {
        if (!role.validIn(kind)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "role " + role.dbName() + " exists only in the MSP account");
        }
        String checkedEmail = ContactEmail.check(email, "email");
        String name = displayName == null || displayName.isBlank() ? checkedEmail : displayName.strip();
        if (name.length() > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "name must be at most 200 characters");
        }
        password.ifPresent(Users::checkPassword);
        if (kind == AccountKind.CUSTOMER) {
            refuseMspDomain(accountId, checkedEmail);
        }
        return tx.execute(status -> {
            Optional<User> existing = findByEmail(checkedEmail);
            boolean invited = jdbc.sql(SQL.get("invited")).param("account", accountId).param("email", checkedEmail)
                    .query(Long.class).single() > 0;
            if (invited || existing.isPresent() && member(accountId, existing.get().id()).isPresent()) {
                throw new RebillException(ErrorCode.DUPLICATE, "'" + checkedEmail + "' is already a user of this account");
            }
            if (existing.isPresent() || invite) {
                UUID invitation = UUID.randomUUID();
                jdbc.sql(SQL.get("insert-invitation")).param("id", invitation).param("account", accountId)
                        .param("email", checkedEmail).param("name", name).param("role", role.dbName())
                        .param("withPassword", invite || password.isPresent()).param("createdBy", createdBy)
                        .param("listed", invite).update();
                return member(accountId, invitation).orElseThrow();
            }
            UUID userId = UUID.randomUUID();
            jdbc.sql(SQL.get("insert-user")).param("id", userId).param("email", checkedEmail).param("name", name)
                    .param("hash", password.map(encoder::encode).orElse(null), Types.VARCHAR)
                    .param("createdBy", createdBy).update();
            jdbc.sql(SQL.get("insert-membership")).param("user", userId).param("account", accountId)
                    .param("role", role.dbName()).param("createdBy", createdBy).update();
            return member(accountId, userId).orElseThrow();
        });
    }

    public Optional<Member> member(UUID accountId, UUID userId) {
        return jdbc.sql(SQL.get("member")).param("account", accountId).param("user", userId).query(MEMBER).optional();
    }

    public Member requireMember(UUID accountId, UUID userId) {
        return member(accountId, userId).orElseThrow(() -> unknownUser(userId));
    }

    /** A page of the account's users and invitations by email, with their number (one statement unless empty). */
    public Page<Member> members(UUID accountId, PageRequest page) {
        return CountedPages.read(() -> jdbc.sql(SQL.get("members")).param("account", accountId), MEMBER, page);
    }

    public Member update(UUID accountId, AccountKind kind, UUID userId, Optional<String> displayName, Optional<Role> role) {
        return tx.execute(status -> {
            Member current = requireMember(accountId, userId);
            boolean invitation = isInvitation(accountId, userId);
            displayName.map(String::strip).filter(n -> !n.isEmpty()).ifPresent(name -> jdbc.sql(SQL.get("update-name"))
                    .param("user", userId).param("account", accountId).param("name", name).update());
            if (invitation) {
                jdbc.sql(SQL.get("update-invitation")).param("account", accountId).param("user", userId)
                        .param("name", displayName.map(String::strip).filter(n -> !n.isEmpty()).orElse(null),
                                Types.VARCHAR)
                        .param("role", role.filter(r -> r.validIn(kind)).map(Role::dbName).orElse(null), Types.VARCHAR)
                        .update();
            }
            if (role.isPresent() && role.get() != current.role()) {
                if (!role.get().validIn(kind)) {
                    throw new RebillException(ErrorCode.BAD_ARGUMENT, "role " + role.get().dbName()
                            + " exists only in the MSP account");
                }
                if (current.role() == Role.OWNER && !invitation) {
                    requireAnotherOwner(accountId);
                }
                jdbc.sql(SQL.get("update-role")).param("account", accountId).param("user", userId)
                        .param("role", role.get().dbName()).update();
            }
            return requireMember(accountId, userId);
        });
    }

    /**
     * Removes a user's access to the account; a user left without any account is deleted. An open invitation is
     * revoked: its link then says it was withdrawn.
     */
    public void remove(UUID accountId, UUID userId) {
        tx.executeWithoutResult(status -> {
            Member current = requireMember(accountId, userId);
            if (isInvitation(accountId, userId)) {
                jdbc.sql(Invitations.SQL.get("revoke")).param("account", accountId).param("id", userId).update();
                return;
            }
            if (current.role() == Role.OWNER) {
                requireAnotherOwner(accountId);
            }
            jdbc.sql(SQL.get("delete-membership")).param("account", accountId).param("user", userId).update();
            jdbc.sql(SQL.get("delete-user-without-memberships")).param("id", userId).update();
        });
    }

    public void setPassword(UUID userId, String password) {
        checkPassword(password);
        jdbc.sql(SQL.get("set-password")).param("id", userId).param("hash", encoder.encode(password)).update();
    }

    /** A user created at their first SSO sign-in into the account that owns the SSO connection. */
    public User provisionSsoUser(UUID accountId, String email, String displayName, Role role) {
        return tx.execute(status -> {
            Optional<User> existing = findByEmail(email);
            if (existing.isPresent()) {
                return existing.get();
            }
            UUID userId = UUID.randomUUID();
            jdbc.sql(SQL.get("insert-user")).param("id", userId).param("email", ContactEmail.check(email, "email"))
                    .param("name", displayName == null || displayName.isBlank() ? email : displayName)
                    .param("hash", null, Types.VARCHAR).param("createdBy", "SSO").update();
            jdbc.sql(SQL.get("insert-membership")).param("user", userId).param("account", accountId)
                    .param("role", role.dbName()).param("createdBy", "SSO").update();
            return find(userId).orElseThrow();
        });
    }

    private boolean isInvitation(UUID accountId, UUID id) {
        return jdbc.sql(SQL.get("is-invitation")).param("account", accountId).param("user", id).query(Long.class)
                .single() > 0;
    }

    private void refuseMspDomain(UUID accountId, String email) {
        String domain = email.substring(email.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
        jdbc.sql(SQL.get("msp-domain-of-customer")).param("account", accountId).query(String.class).optional()
                .map(d -> d.toLowerCase(java.util.Locale.ROOT))
                .filter(msp -> domain.equals(msp) || domain.endsWith("." + msp))
                .ifPresent(msp -> {
                    throw new RebillException(ErrorCode.BAD_ARGUMENT, "email '" + email + "' is in your MSP's email"
                            + " domain " + msp + "; a customer account does not add its MSP's staff as users (they"
                            + " act here as Manager User)");
                });
    }

    private void requireAnotherOwner(UUID accountId) {
        long owners = jdbc.sql(SQL.get("count-owners")).param("account", accountId).query(Long.class).single();
        if (owners <= 1) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT,
                    "an account keeps at least one owner; make another user owner first");
        }
    }

    static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "password must be " + MIN_PASSWORD + " to "
                    + MAX_PASSWORD + " characters");
        }
    }

    static RebillException unknownUser(UUID id) {
        return new RebillException(ErrorCode.UNKNOWN_ID, "no user " + id + " in this account");
    }

    private static final RowMapper<User> USER = (rs, n) -> new User(rs.getObject("id", UUID.class),
            rs.getString("email"), rs.getString("display_name"), rs.getString("password_hash") != null,
            rs.getTimestamp("created_at").toInstant());

    private static final RowMapper<Member> MEMBER = (rs, n) -> new Member(rs.getObject("id", UUID.class),
            rs.getString("email"), rs.getString("display_name"), rs.getBoolean("has_password"),
            Role.fromDb(rs.getString("role")), rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
            Member.Status.fromDb(rs.getString("status")));
}

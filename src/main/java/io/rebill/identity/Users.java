package io.rebill.identity;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.tenancy.AccountKind;
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

    /** The stored hash for a sign-in check; empty for unknown users and SSO-only users. */
    public Optional<String> passwordHash(UUID id) {
        return jdbc.sql(SQL.get("find-user")).param("id", id).query((rs, n) -> rs.getString("password_hash"))
                .optional().flatMap(Optional::ofNullable);
    }

    /** Memberships, the MSP account first: the first one is where a user lands after signing in. */
    public List<Membership> memberships(UUID userId) {
        return jdbc.sql(SQL.get("memberships-of-user")).param("user", userId)
                .query((rs, n) -> new Membership(rs.getObject("account_id", UUID.class), Role.fromDb(rs.getString("role"))))
                .list();
    }

    /**
     * Adds a member to an account, creating the user when the email is new. A password is required unless the
     * user will sign in through SSO ({@code password} empty).
     */
    public Member addMember(UUID accountId, AccountKind kind, String email, String displayName, Optional<String> password,
                            Role role, String createdBy) {
        if (!role.validIn(kind)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "role " + role.dbName() + " exists only in the MSP account");
        }
        String checkedEmail = ContactEmail.check(email, "email");
        String name = displayName == null || displayName.isBlank() ? checkedEmail : displayName.strip();
        if (name.length() > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "name must be at most 200 characters");
        }
        password.ifPresent(Users::checkPassword);
        return tx.execute(status -> {
            Optional<User> existing = findByEmail(checkedEmail);
            if (existing.isPresent()) {
                // A person registered elsewhere keeps their own password and account; nobody else adds them here.
                throw new RebillException(ErrorCode.DUPLICATE, "'" + checkedEmail + "' is already a user of "
                        + (member(accountId, existing.get().id()).isPresent() ? "this account"
                        : "another account; a user belongs to one account in this version"));
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

    public Page<Member> members(UUID accountId, PageRequest page) {
        List<Member> items = jdbc.sql(SQL.get("members")).param("account", accountId).param("limit", page.limit())
                .param("offset", page.offset()).query(MEMBER).list();
        long total = jdbc.sql(SQL.get("count-members")).param("account", accountId).query(Long.class).single();
        return new Page<>(items, page.offset(), page.limit(), total);
    }

    public Member update(UUID accountId, AccountKind kind, UUID userId, Optional<String> displayName, Optional<Role> role) {
        return tx.execute(status -> {
            Member current = requireMember(accountId, userId);
            displayName.map(String::strip).filter(n -> !n.isEmpty()).ifPresent(name -> jdbc.sql(SQL.get("update-name"))
                    .param("user", userId).param("account", accountId).param("name", name).update());
            if (role.isPresent() && role.get() != current.role()) {
                if (!role.get().validIn(kind)) {
                    throw new RebillException(ErrorCode.BAD_ARGUMENT, "role " + role.get().dbName()
                            + " exists only in the MSP account");
                }
                if (current.role() == Role.OWNER) {
                    requireAnotherOwner(accountId);
                }
                jdbc.sql(SQL.get("update-role")).param("account", accountId).param("user", userId)
                        .param("role", role.get().dbName()).update();
            }
            return requireMember(accountId, userId);
        });
    }

    /** Removes a user's access to the account; a user left without any account is deleted. */
    public void remove(UUID accountId, UUID userId) {
        tx.executeWithoutResult(status -> {
            Member current = requireMember(accountId, userId);
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
            Role.fromDb(rs.getString("role")), rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"));
}

package io.rebill.tenancy;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.sql.SqlStatements;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * MSP accounts and their managed (customer) accounts. Every operation on a managed account takes the MSP it must
 * belong to; an id of another MSP's account answers exactly like an id that does not exist.
 */
public final class Accounts {
    static final SqlStatements SQL = SqlStatements.load(Accounts.class, "tenancy.sql");
    private static final int MAX_NAME = 200;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final KeptCustomerAccounts kept;

    public Accounts(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.kept = new KeptCustomerAccounts(jdbc);
    }

    public Account createMsp(String key, String name, String contactEmail, String emailDomain, String currency,
                             String createdBy) {
        UUID id = UUID.randomUUID();
        String domain = emailDomain.strip().toLowerCase(Locale.ROOT);
        String email = ContactEmail.checkInDomain(contactEmail, domain);
        jdbc.sql(SQL.get("insert-account"))
                .param("id", id).param("kind", AccountKind.MSP.dbName()).param("msp", null, java.sql.Types.OTHER)
                .param("key", key).param("name", checkName(name)).param("email", email).param("domain", domain)
                .param("currency", currency).param("createdBy", createdBy)
                .update();
        return find(id).orElseThrow();
    }

    public List<Account> msps() {
        return jdbc.sql(SQL.get("list-msps")).query(ROW).list();
    }

    public Optional<Account> mspByKey(String key) {
        return jdbc.sql(SQL.get("find-msp-by-key")).param("key", key).query(ROW).optional();
    }

    /** Any account by id, unscoped: only for resolving who a signed-in user is. */
    public Optional<Account> find(UUID id) {
        return jdbc.sql(SQL.get("find-account")).param("id", id).query(ROW).optional();
    }

    /** The managed account {@code id} of {@code msp}, or UNKNOWN_ID. */
    public Account managed(UUID msp, UUID id) {
        return jdbc.sql(SQL.get("find-managed")).param("id", id).param("msp", msp).query(ROW).optional()
                .orElseThrow(() -> unknown(id));
    }

    public Optional<Account> managedByKey(UUID msp, String key) {
        return jdbc.sql(SQL.get("find-managed-by-key")).param("key", key).param("msp", msp).query(ROW).optional();
    }

    /** How many customer accounts the MSP manages. */
    public long countManaged(UUID msp) {
        return jdbc.sql(SQL.get("count-managed")).param("msp", msp).query(Long.class).single();
    }

    /**
     * What the MSP's Managed Accounts list is made of now (its customer accounts' version, its assignments' version,
     * its integrations' sources), in one statement: read it first, then {@link #listManaged(ManagedListInputs,
     * PageRequest)} and the tracked spend by it.
     */
    public ManagedListInputs managedListInputs(UUID msp) {
        return jdbc.sql(SQL.get("managed-list-inputs")).param("msp", msp).query((rs, n) -> {
            java.sql.Array sources = rs.getArray("sources");
            try {
                return new ManagedListInputs(msp, rs.getLong("customers"), rs.getString("assignments"),
                        List.of((String[]) sources.getArray()));
            } finally {
                sources.free();
            }
        }).single();
    }

    /**
     * A page of the MSP's customer accounts by name, with their number, from the accounts kept under the version
     * {@code inputs} read ({@link KeptCustomerAccounts}): no statement unless the accounts changed since.
     */
    public Page<Account> listManaged(ManagedListInputs inputs, PageRequest page) {
        return kept.page(inputs, page);
    }

    /** Creates a managed account (seed: "New Managed Account": Account Name + Contact Email). */
    public Account createManaged(UUID msp, String name, String contactEmail, String createdBy) {
        return tx.execute(status -> {
            Account owner = msp(msp);
            String email = ContactEmail.checkInDomain(contactEmail, owner.emailDomain().orElseThrow());
            String checkedName = checkName(name);
            requireEmailFree(email, null);
            UUID id = UUID.randomUUID();
            jdbc.sql(SQL.get("insert-account"))
                    .param("id", id).param("kind", AccountKind.CUSTOMER.dbName()).param("msp", msp)
                    .param("key", freeKey(msp, checkedName)).param("name", checkedName).param("email", email)
                    .param("domain", null, java.sql.Types.VARCHAR).param("currency", owner.currency())
                    .param("createdBy", createdBy)
                    .update();
            return find(id).orElseThrow();
        });
    }

    /** Renames, changes the contact email or the match predicate; an empty Optional keeps the current value. */
    public Account updateManaged(UUID msp, UUID id, Optional<String> name, Optional<String> contactEmail,
                                 Optional<Optional<String>> match) {
        return tx.execute(status -> {
            Account current = managed(msp, id);
            String newName = name.map(Accounts::checkName).orElse(current.name());
            String newEmail = current.contactEmail();
            if (contactEmail.isPresent()) {
                newEmail = ContactEmail.checkInDomain(contactEmail.get(), msp(msp).emailDomain().orElseThrow());
                requireEmailFree(newEmail, id);
            }
            String newMatch = match.map(m -> m.map(String::strip).filter(s -> !s.isEmpty()).orElse(null))
                    .orElse(current.matchExpression().orElse(null));
            jdbc.sql(SQL.get("update-managed")).param("id", id).param("msp", msp).param("name", newName)
                    .param("email", newEmail).param("match", newMatch, java.sql.Types.VARCHAR).update();
            return managed(msp, id);
        });
    }

    /**
     * Deletes a managed account permanently: the account, its integrations, its users' memberships, its
     * assignments (cascades in the schema). Returns the ingestion sources of its integrations, whose stored line
     * items the caller removes after the commit.
     */
    public List<String> deleteManaged(UUID msp, UUID id) {
        return tx.execute(status -> {
            managed(msp, id);
            List<String> sources = jdbc.sql(SQL.get("integration-sources-of-account")).param("id", id)
                    .query(String.class).list();
            List<UUID> members = jdbc.sql(SQL.get("members-of-account")).param("id", id).query(UUID.class).list();
            jdbc.sql(SQL.get("delete-managed")).param("id", id).param("msp", msp).update();
            if (!members.isEmpty()) {
                jdbc.sql(SQL.get("delete-users-without-account")).param("users", members).update();
            }
            return sources;
        });
    }

    /**
     * Unlinks a managed account: it lives on without the MSP (its own users, integrations and data stay); the
     * MSP stops billing it: its linked accounts and workflow assignments are removed.
     */
    public Account unlink(UUID msp, UUID id) {
        return tx.execute(status -> {
            managed(msp, id);
            jdbc.sql(SQL.get("unlink-linked-accounts")).param("id", id).param("msp", msp).update();
            jdbc.sql(SQL.get("unlink-billing")).param("id", id).param("msp", msp).update();
            jdbc.sql(SQL.get("unlink-managed")).param("id", id).param("msp", msp).update();
            return find(id).orElseThrow();
        });
    }

    private Account msp(UUID msp) {
        return find(msp).filter(Account::isMsp).orElseThrow(() -> unknown(msp));
    }

    private void requireEmailFree(String email, UUID except) {
        long taken = jdbc.sql(SQL.get("email-taken")).param("email", email)
                .param("id", except == null ? new UUID(0, 0) : except).query(Long.class).single();
        if (taken > 0) {
            throw new RebillException(ErrorCode.DUPLICATE, "contact_email '" + email + "' is already the contact of"
                    + " another customer account; use an alias such as " + alias(email));
        }
    }

    private static String alias(String email) {
        int at = email.indexOf('@');
        String local = email.substring(0, at);
        int plus = local.indexOf('+');
        return (plus < 0 ? local : local.substring(0, plus)) + "+another" + email.substring(at);
    }

    private String freeKey(UUID msp, String name) {
        String base = slug(name);
        String key = base;
        for (int n = 2; jdbc.sql(SQL.get("key-taken")).param("msp", msp).param("key", key).query(Long.class)
                .single() > 0; n++) {
            key = base + "-" + n;
        }
        return key;
    }

    static String slug(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        String slug = ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.isEmpty()) {
            slug = "customer";
        }
        return slug.length() > 50 ? slug.substring(0, 50).replaceAll("-+$", "") : slug;
    }

    static String checkName(String name) {
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT,
                    "name must be 1 to " + MAX_NAME + " characters, was '" + trimmed + "'");
        }
        return trimmed;
    }

    static RebillException unknown(UUID id) {
        return new RebillException(ErrorCode.UNKNOWN_ID, "no account " + id);
    }

    /** An account from a row of {@code account} (its columns by name): also for identity's one-read sign-in. */
    public static final RowMapper<Account> ROW = (rs, n) -> new Account(
            rs.getObject("id", UUID.class),
            AccountKind.fromDb(rs.getString("kind")),
            Optional.ofNullable(rs.getObject("msp_id", UUID.class)),
            rs.getString("key"), rs.getString("name"), rs.getString("contact_email"),
            Optional.ofNullable(rs.getString("email_domain")), rs.getString("currency"),
            Optional.ofNullable(rs.getString("match_expression")),
            rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
            Optional.ofNullable(rs.getTimestamp("unlinked_at")).map(Timestamp::toInstant));
}

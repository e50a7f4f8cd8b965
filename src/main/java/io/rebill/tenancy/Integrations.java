package io.rebill.tenancy;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Provider integrations of an account and, for an MSP's integrations, which customer each linked account is billed
 * to from which period (seed: "Configure Integrations in the Management Account"). All calls are scoped by the
 * owning account; an id of another account's integration answers like one that does not exist.
 */
public final class Integrations {
    private static final Set<String> PROVIDERS = Set.of("aws", "azure", "gcp", "oci", "focus");
    private static final io.rebill.shared.sql.SqlStatements SQL = Accounts.SQL;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public Integrations(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    public Integration create(UUID accountId, String provider, String name, Optional<String> folder, String createdBy) {
        UUID id = UUID.randomUUID();
        return insert(id, accountId, provider, name, sourceName(id), folder, createdBy);
    }

    /** Makes an already ingested source (e.g. the demo's) an integration of the account. */
    public Integration adopt(UUID accountId, String provider, String name, String sourceName, String createdBy) {
        return insert(UUID.randomUUID(), accountId, provider, name, sourceName, Optional.empty(), createdBy);
    }

    private Integration insert(UUID id, UUID accountId, String provider, String name, String source,
                               Optional<String> folder, String createdBy) {
        String p = provider == null ? "" : provider.strip().toLowerCase(Locale.ROOT);
        if (!PROVIDERS.contains(p)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "provider '" + provider + "' is not one of "
                    + PROVIDERS.stream().sorted().toList());
        }
        String checkedName = Accounts.checkName(name);
        jdbc.sql(SQL.get("insert-integration")).param("id", id).param("account", accountId).param("provider", p)
                .param("name", checkedName).param("source", source)
                .param("folder", folder.map(String::strip).filter(f -> !f.isEmpty()).orElse(null), Types.VARCHAR)
                .param("createdBy", createdBy).update();
        return find(accountId, id);
    }

    /** The ingestion source name of an integration: derived from its id so two accounts never share one. */
    public static String sourceName(UUID integrationId) {
        return "i-" + integrationId.toString().replace("-", "").substring(0, 16);
    }

    public List<Integration> of(UUID accountId) {
        return jdbc.sql(SQL.get("integrations-of-account")).param("account", accountId).query(ROW).list();
    }

    /** The names of the sources the account's integrations store their data in (a read of one column). */
    public List<String> sourceNames(UUID accountId) {
        return jdbc.sql(SQL.get("integration-sources-of-account")).param("id", accountId).query(String.class).list();
    }

    public Integration find(UUID accountId, UUID id) {
        return jdbc.sql(SQL.get("find-integration")).param("account", accountId).param("id", id).query(ROW).optional()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no integration " + id + " in this account"));
    }

    /** Deletes the integration (and its linked-account assignments); returns it so the caller drops its data. */
    public Integration delete(UUID accountId, UUID id) {
        Integration integration = find(accountId, id);
        jdbc.sql(SQL.get("delete-integration")).param("account", accountId).param("id", id).update();
        return integration;
    }

    /** MSP integrations billing at least one linked account to this customer, for the customer's read-only view. */
    public List<Integration> managedFor(UUID customerAccountId) {
        return jdbc.sql(SQL.get("managed-integrations-of-customer")).param("customer", customerAccountId).query(ROW)
                .list();
    }

    /**
     * Bills {@code subAccountId} of the MSP's integration to {@code customer} (empty: to nobody) from {@code from}
     * on. The customer must be one of the MSP's managed accounts.
     */
    public LinkedAccount assign(UUID msp, UUID integrationId, String subAccountId, Optional<UUID> customer,
                                BillingPeriod from, Accounts accounts, String createdBy) {
        return tx.execute(status -> {
            find(msp, integrationId);
            customer.ifPresent(c -> accounts.managed(msp, c));
            String sub = subAccountId == null ? "" : subAccountId.strip();
            if (!sub.matches("[A-Za-z0-9._:/-]{1,128}")) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "sub_account_id '" + subAccountId
                        + "' is not a provider account id (letters, digits, . _ : / -)");
            }
            jdbc.sql(SQL.get("insert-linked-account")).param("msp", msp).param("integration", integrationId)
                    .param("sub", sub).param("from", from.toString())
                    .param("customer", customer.orElse(null), Types.OTHER).param("createdBy", createdBy).update();
            return linkedAccounts(msp, integrationId).stream()
                    .filter(l -> l.subAccountId().equals(sub) && l.from().equals(from)).findFirst().orElseThrow();
        });
    }

    public void unassign(UUID msp, UUID integrationId, String subAccountId, BillingPeriod from) {
        find(msp, integrationId);
        int removed = jdbc.sql(SQL.get("delete-linked-account")).param("msp", msp).param("integration", integrationId)
                .param("sub", subAccountId).param("from", from.toString()).update();
        if (removed == 0) {
            throw new RebillException(ErrorCode.UNKNOWN_ID, "linked account " + subAccountId + " has no assignment from "
                    + from + " in integration " + integrationId);
        }
    }

    public List<LinkedAccount> linkedAccounts(UUID msp, UUID integrationId) {
        return jdbc.sql(SQL.get("linked-accounts-of-integration")).param("msp", msp).param("integration", integrationId)
                .query(LINKED).list();
    }

    /** The integration's assignments to {@code customer}, earlier periods' included. */
    public List<LinkedAccount> linkedAccounts(UUID msp, UUID integrationId, UUID customer) {
        return jdbc.sql(SQL.get("linked-accounts-of-customer")).param("msp", msp).param("integration", integrationId)
                .param("customer", customer).query(LINKED).list();
    }

    public List<LinkedAccount> linkedAccounts(UUID msp) {
        return jdbc.sql(SQL.get("linked-accounts-of-msp")).param("msp", msp).query(LINKED).list();
    }

    /**
     * Who each linked account is billed to in {@code period}: for each (integration, sub account) the assignment
     * with the latest {@code from} not after the period. Linked accounts billed to nobody are left out.
     */
    public Map<String, UUID> ownersIn(UUID msp, BillingPeriod period) {
        // the latest assignment per (integration, sub account) is picked in SQL: this runs on every Managed Accounts
        // request (tracked spend), and mapping every assignment of the MSP's history with its customer's name was
        // most of that request's time at 1,000 accounts. Rows come by integration id, so when two integrations bill
        // the same sub account the first integration's customer is kept, as before.
        Map<String, UUID> owners = new TreeMap<>();
        jdbc.sql(SQL.get("owners-in")).param("msp", msp).param("period", period.toString()).query(rs -> {
            UUID customer = rs.getObject("customer_account_id", UUID.class);
            if (customer != null) {
                owners.putIfAbsent(rs.getString("sub_account_id"), customer);
            }
        });
        return owners;
    }

    private static final RowMapper<Integration> ROW = (rs, n) -> new Integration(rs.getObject("id", UUID.class),
            rs.getObject("account_id", UUID.class), rs.getString("provider"), rs.getString("name"),
            rs.getString("source_name"), Optional.ofNullable(rs.getString("folder")),
            rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"), IntegrationRows.location(rs),
            IntegrationRows.sync(rs));

    private static final RowMapper<LinkedAccount> LINKED = (rs, n) -> new LinkedAccount(
            rs.getObject("integration_id", UUID.class), rs.getString("sub_account_id"),
            BillingPeriod.parse(rs.getString("from_period")),
            Optional.ofNullable(rs.getObject("customer_account_id", UUID.class)),
            Optional.ofNullable(rs.getString("customer_name")), rs.getString("created_by"));
}

package io.rebill.billingconfig.internal;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.sql.Timestamp;
import java.sql.Types;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The store's SQL (billing-rules.sql); every statement takes the MSP. */
final class StoreDb {
    private static final SqlStatements SQL = SqlStatements.load(StoreDb.class, "billing-rules.sql");

    private final JdbcClient jdbc;

    StoreDb(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void lock(UUID msp) {
        jdbc.sql(SQL.get("lock-msp")).param("msp", msp).query(UUID.class).optional()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no MSP account " + msp));
    }

    Account msp(UUID msp) {
        return jdbc.sql(SQL.get("msp")).param("msp", msp).query(ACCOUNT).optional()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no MSP account " + msp));
    }

    List<Account> customers(UUID msp) {
        return jdbc.sql(SQL.get("customers")).param("msp", msp).query(ACCOUNT).list();
    }

    List<Snapshot.RuleRow> rules(UUID msp) {
        return jdbc.sql(SQL.get("rules")).param("msp", msp).query(RULE).list();
    }

    List<Snapshot.RuleRow> rules(UUID msp, int offset, int limit) {
        return jdbc.sql(SQL.get("rules-page")).param("msp", msp).param("limit", limit).param("offset", offset)
                .query(RULE).list();
    }

    long countRules(UUID msp) {
        return jdbc.sql(SQL.get("count-rules")).param("msp", msp).query(Long.class).single();
    }

    int nextRulePosition(UUID msp) {
        return jdbc.sql(SQL.get("next-rule-position")).param("msp", msp).query(Integer.class).single();
    }

    void insertRule(UUID msp, Snapshot.RuleRow r) {
        jdbc.sql(SQL.get("insert-rule")).param("id", r.id()).param("msp", msp).param("key", r.key())
                .param("kind", r.kind()).param("title", r.title()).param("definition", r.definition().toString())
                .param("position", r.position()).param("createdBy", r.createdBy()).update();
    }

    void updateRule(UUID msp, Snapshot.RuleRow r) {
        jdbc.sql(SQL.get("update-rule")).param("id", r.id()).param("msp", msp).param("key", r.key())
                .param("kind", r.kind()).param("title", r.title()).param("definition", r.definition().toString())
                .update();
    }

    void deleteRule(UUID msp, UUID id) {
        jdbc.sql(SQL.get("delete-rule")).param("msp", msp).param("id", id).update();
    }

    List<Snapshot.WorkflowRow> workflows(UUID msp) {
        return jdbc.sql(SQL.get("workflows")).param("msp", msp).query(WORKFLOW).list();
    }

    /** {@code withAccounts}: also the customer accounts' own workflows. */
    List<Snapshot.WorkflowRow> workflows(UUID msp, boolean withAccounts, int offset, int limit) {
        return jdbc.sql(SQL.get("workflows-page")).param("msp", msp).param("withAccounts", withAccounts)
                .param("limit", limit).param("offset", offset).query(WORKFLOW).list();
    }

    /** {@code withAccounts}: a customer account's own workflow too (otherwise it is as if it did not exist). */
    Optional<Snapshot.WorkflowRow> workflow(UUID msp, UUID id, boolean withAccounts) {
        return jdbc.sql(SQL.get("workflow")).param("msp", msp).param("id", id).param("withAccounts", withAccounts)
                .query(WORKFLOW).optional();
    }

    long countWorkflows(UUID msp, boolean withAccounts) {
        return jdbc.sql(SQL.get("count-workflows")).param("msp", msp).param("withAccounts", withAccounts)
                .query(Long.class).single();
    }

    int nextWorkflowPosition(UUID msp) {
        return jdbc.sql(SQL.get("next-workflow-position")).param("msp", msp).query(Integer.class).single();
    }

    void insertWorkflow(UUID msp, Snapshot.WorkflowRow w) {
        jdbc.sql(SQL.get("insert-workflow")).param("id", w.id()).param("msp", msp).param("key", w.key())
                .param("title", w.title()).param("basis", w.basis()).param("ruleKeys", keys(w.ruleKeys()))
                .param("position", w.position()).param("customer", w.customerAccountId().orElse(null), Types.OTHER)
                .param("createdBy", w.createdBy()).update();
    }

    void updateWorkflow(UUID msp, Snapshot.WorkflowRow w) {
        jdbc.sql(SQL.get("update-workflow")).param("id", w.id()).param("msp", msp).param("key", w.key())
                .param("title", w.title()).param("basis", w.basis()).param("ruleKeys", keys(w.ruleKeys())).update();
    }

    void deleteWorkflow(UUID msp, UUID id) {
        jdbc.sql(SQL.get("delete-workflow")).param("msp", msp).param("id", id).update();
    }

    void deleteUnassignedAccountWorkflows(UUID msp) {
        jdbc.sql(SQL.get("delete-unassigned-account-workflows")).param("msp", msp).update();
    }

    List<Snapshot.AssignmentRow> assignments(UUID msp) {
        return jdbc.sql(SQL.get("assignments")).param("msp", msp).query(ASSIGNMENT).list();
    }

    /**
     * Whom each of the workflows bills, in any period (customer keys, each once, in the MSP's claim order); a workflow
     * assigned to nobody is absent.
     */
    Map<String, List<String>> assignedCustomers(UUID msp, Collection<String> workflowKeys) {
        if (workflowKeys.isEmpty()) {
            return Map.of();
        }
        Map<String, Set<String>> customers = new HashMap<>();
        jdbc.sql(SQL.get("assigned-customers")).param("msp", msp).param("workflows", List.copyOf(workflowKeys))
                .query(rs -> {
                    customers.computeIfAbsent(rs.getString("workflow_key"), k -> new LinkedHashSet<>())
                            .add(rs.getString("customer_key"));
                });
        Map<String, List<String>> result = new HashMap<>();
        customers.forEach((workflow, keys) -> result.put(workflow, List.copyOf(keys)));
        return result;
    }

    void upsertAssignment(UUID msp, Snapshot.AssignmentRow a) {
        jdbc.sql(SQL.get("upsert-assignment")).param("msp", msp).param("customer", a.customerAccountId())
                .param("from", a.from().toString()).param("workflow", a.workflowKey())
                .param("createdBy", a.createdBy()).update();
    }

    int deleteAssignment(UUID msp, UUID customer, BillingPeriod from) {
        return jdbc.sql(SQL.get("delete-assignment")).param("msp", msp).param("customer", customer)
                .param("from", from.toString()).update();
    }

    /** Empties the MSP's configuration, in the order the foreign keys allow (an import then writes it anew). */
    void deleteAll(UUID msp) {
        jdbc.sql(SQL.get("delete-assignments")).param("msp", msp).update();
        jdbc.sql(SQL.get("delete-workflows")).param("msp", msp).update();
        jdbc.sql(SQL.get("delete-rules")).param("msp", msp).update();
    }

    void setCustomerBilling(UUID msp, UUID customer, Optional<String> match, Integer position) {
        jdbc.sql(SQL.get("set-customer-billing")).param("msp", msp).param("id", customer)
                .param("match", match.orElse(null), Types.VARCHAR).param("position", position, Types.INTEGER)
                .update();
    }

    private static String keys(List<String> keys) {
        var array = Json.NODES.arrayNode();
        keys.forEach(array::add);
        return array.toString();
    }

    private static final RowMapper<Snapshot.RuleRow> RULE = (rs, n) -> new Snapshot.RuleRow(
            rs.getObject("id", UUID.class), rs.getString("key"), rs.getString("kind"), rs.getString("title"),
            (ObjectNode) Json.object(rs.getString("definition"), "stored rule"), rs.getInt("position"),
            rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
            rs.getTimestamp("updated_at").toInstant());

    private static final RowMapper<Snapshot.WorkflowRow> WORKFLOW = (rs, n) -> new Snapshot.WorkflowRow(
            rs.getObject("id", UUID.class), rs.getString("key"), rs.getString("title"), rs.getString("basis"),
            Json.MAPPER.readTree(rs.getString("rule_keys")).valueStream().map(JsonNode::asString).toList(),
            rs.getInt("position"), Optional.ofNullable(rs.getObject("customer_account_id", UUID.class)),
            rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"),
            rs.getTimestamp("updated_at").toInstant(), Optional.empty());

    private static final RowMapper<Snapshot.AssignmentRow> ASSIGNMENT = (rs, n) -> new Snapshot.AssignmentRow(
            rs.getObject("customer_account_id", UUID.class), BillingPeriod.parse(rs.getString("from_period")),
            rs.getString("workflow_key"), rs.getTimestamp("created_at").toInstant(), rs.getString("created_by"));

    /** The account columns the store reads (tenancy's own mapper is internal to it). */
    private static final RowMapper<Account> ACCOUNT = (rs, n) -> new Account(
            rs.getObject("id", UUID.class), AccountKind.fromDb(rs.getString("kind")),
            Optional.ofNullable(rs.getObject("msp_id", UUID.class)), rs.getString("key"), rs.getString("name"),
            rs.getString("contact_email"), Optional.ofNullable(rs.getString("email_domain")), rs.getString("currency"),
            Optional.ofNullable(rs.getString("match_expression")), rs.getTimestamp("created_at").toInstant(),
            rs.getString("created_by"), Optional.ofNullable(rs.getTimestamp("unlinked_at")).map(Timestamp::toInstant));
}

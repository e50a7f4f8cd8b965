package io.rebill.identity;

import io.rebill.shared.paging.CountedPages;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Append-only record of who did what. The MSP's log names the real person also when they acted as Manager User;
 * a customer's own view of its log shows such entries as "Manager User" (the seed keeps the MSP's staff anonymous
 * inside customer accounts).
 */
public final class AuditLog {
    public static final String MANAGER_USER = "Manager User";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(Actor actor, String action, String target, Map<String, ?> detail) {
        jdbc.sql(Users.SQL.get("insert-audit"))
                .param("msp", actor.mspId().orElse(null), Types.OTHER)
                .param("account", actor.account().id())
                .param("user", actor.userId())
                .param("email", actor.email())
                .param("actingAs", actor.managerUser() ? MANAGER_USER : null, Types.VARCHAR)
                .param("action", action)
                .param("target", target, Types.VARCHAR)
                .param("detail", JSON.writeValueAsString(detail))
                .update();
    }

    /** Everything in the MSP's account and the customer accounts it manages, newest first. */
    public Page<AuditEntry> ofMsp(UUID msp, PageRequest page) {
        return ofMsp(msp, AuditFilter.NONE, page);
    }

    /**
     * The MSP's entries that pass {@code filter}, newest first. Without a filter the total is the MSP's kept count
     * (audit_log_count, raised at each commit by a trigger); with one, the entries that pass it are counted.
     */
    public Page<AuditEntry> ofMsp(UUID msp, AuditFilter filter, PageRequest page) {
        if (filter.equals(AuditFilter.NONE)) {
            return CountedPages.read(() -> jdbc.sql(Users.SQL.get("audit-of-msp-unfiltered")).param("msp", msp), row(false),
                    page);
        }
        return CountedPages.read(() -> filtered(Users.SQL.get("audit-of-msp"), filter, false).param("msp", msp), row(false),
                page);
    }

    /** One customer account's own log, as its users see it. */
    public Page<AuditEntry> ofCustomer(UUID account, PageRequest page) {
        return ofCustomer(account, AuditFilter.NONE, page);
    }

    /** One customer account's entries that pass {@code filter} (who as its users see them), newest first. */
    public Page<AuditEntry> ofCustomer(UUID account, AuditFilter filter, PageRequest page) {
        return CountedPages.read(() -> filtered(Users.SQL.get("audit-of-account"), filter, true).param("account", account),
                row(true), page);
    }

    /** Everyone who appears in the MSP's log (for a filter's choices). */
    public List<String> actorsOfMsp(UUID msp) {
        return jdbc.sql(Users.SQL.get("audit-actors-of-msp")).param("msp", msp).query(String.class).list();
    }

    /** Everyone who appears in a customer account's log, the MSP's staff as Manager User. */
    public List<String> actorsOfCustomer(UUID account) {
        return jdbc.sql(Users.SQL.get("audit-actors-of-account")).param("account", account).query(String.class).list();
    }

    private JdbcClient.StatementSpec filtered(String sql, AuditFilter filter, boolean masked) {
        return jdbc.sql(sql)
                .param("actor", filter.actor().orElse(null), Types.VARCHAR)
                .param("masked", masked)
                .param("byKind", !filter.actionPrefixes().isEmpty())
                .param("kinds", filter.actionPrefixes().isEmpty() ? List.of("") : filter.actionPrefixes())
                .param("from", filter.from().map(i -> i.atOffset(java.time.ZoneOffset.UTC)).orElse(null), Types.TIMESTAMP_WITH_TIMEZONE)
                .param("until", filter.until().map(i -> i.atOffset(java.time.ZoneOffset.UTC)).orElse(null), Types.TIMESTAMP_WITH_TIMEZONE);
    }

    private static RowMapper<AuditEntry> row(boolean maskManagers) {
        return (rs, n) -> {
            Optional<String> actingAs = Optional.ofNullable(rs.getString("acting_as"));
            String email = maskManagers && actingAs.isPresent() ? MANAGER_USER : rs.getString("actor_email");
            return new AuditEntry(rs.getLong("id"), Optional.ofNullable(rs.getObject("account_id", UUID.class)), email,
                    actingAs, rs.getString("action"), Optional.ofNullable(rs.getString("target")),
                    rs.getString("detail"), rs.getTimestamp("at").toInstant());
        };
    }
}

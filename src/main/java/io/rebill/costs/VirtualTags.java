package io.rebill.costs;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The costs feature's facade for virtual tags (issue 12 item 4): per account, a key and an ordered list of (CEL
 * condition over the line, value). Each condition is compiled when saved (a bad one is refused with its position and
 * reason, docs/cel.md); bill runs compute the values set-based in DuckDB ({@link DailyCosts#tagDimensions}). The
 * caller asks for a bill run after a change, so the tag aggregate follows (the web layer, as for integrations).
 */
public final class VirtualTags {
    private static final SqlStatements SQL = SqlStatements.load(VirtualTags.class, "/io/rebill/costs/reports.sql");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final int MAX_RULES = 50;
    private final JdbcClient jdbc;
    private final PredicateCompiler predicates;
    private final io.rebill.identity.AuditLog audit;

    public VirtualTags(JdbcClient jdbc, PredicateCompiler predicates, io.rebill.identity.AuditLog audit) {
        this.audit = audit;
        this.jdbc = jdbc;
        this.predicates = predicates;
    }

    public List<VirtualTag> list(Actor actor) {
        DailyCosts.viewerOf(actor);
        return jdbc.sql(SQL.get("list-tags")).param("account", actor.account().id()).query(this::tag).list();
    }

    public VirtualTag get(Actor actor, UUID id) {
        DailyCosts.viewerOf(actor);
        return find(actor, id).orElseThrow(() -> unknown(id));
    }

    /** The account's virtual tag, if it has one of this id (no permission check: for labels of what it may read). */
    Optional<VirtualTag> find(Actor actor, UUID id) {
        return jdbc.sql(SQL.get("get-tag")).param("account", actor.account().id()).param("id", id)
                .query(this::tag).optional();
    }

    public VirtualTag create(Actor actor, String key, List<VirtualTag.Rule> rules) {
        requireWriter(actor);
        UUID id = UUID.randomUUID();
        String k = checked(actor, id, key, rules);
        jdbc.sql(SQL.get("insert-tag")).param("id", id).param("account", actor.account().id()).param("key", k)
                .param("rules", json(rules)).param("createdBy", actor.createdBy()).param("user", actor.userId()).update();
        audit.record(actor, "virtual_tag.create", id.toString(), Map.of("key", k, "rules", rules.size(),
                "account", actor.account().name()));
        return get(actor, id);
    }

    public VirtualTag update(Actor actor, UUID id, String key, List<VirtualTag.Rule> rules) {
        requireWriter(actor);
        String was = get(actor, id).key();
        String k = checked(actor, id, key, rules);
        jdbc.sql(SQL.get("update-tag")).param("id", id).param("account", actor.account().id()).param("key", k)
                .param("rules", json(rules)).update();
        audit.record(actor, "virtual_tag.update", id.toString(), Map.of("key", k, "was", was, "rules",
                rules.size(), "account", actor.account().name()));
        return get(actor, id);
    }

    public void delete(Actor actor, UUID id) {
        requireWriter(actor);
        String key = get(actor, id).key();
        jdbc.sql(SQL.get("delete-tag")).param("id", id).param("account", actor.account().id()).update();
        audit.record(actor, "virtual_tag.delete", id.toString(), Map.of("key", key, "account",
                actor.account().name()));
    }

    /** Parses {@code [{"condition": "...", "value": "..."}]} as a request sends it. */
    public static List<VirtualTag.Rule> rules(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "rules: a list of {condition, value}, first match wins");
        }
        List<VirtualTag.Rule> rules = new ArrayList<>();
        for (JsonNode r : array) {
            rules.add(new VirtualTag.Rule(r.path("condition").asString(""), r.path("value").asString("")));
        }
        return rules;
    }

    private String checked(Actor actor, UUID id, String key, List<VirtualTag.Rule> rules) {
        String k = key == null ? "" : key.strip();
        if (k.isEmpty() || k.length() > 64) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "key: 1 to 64 characters");
        }
        if (jdbc.sql(SQL.get("tag-key-taken")).param("account", actor.account().id()).param("key", k).param("id", id)
                .query(Long.class).single() > 0) {
            throw new RebillException(ErrorCode.DUPLICATE, "key: " + actor.account().name() + " already has a virtual"
                    + " tag '" + k + "'");
        }
        if (rules.isEmpty() || rules.size() > MAX_RULES) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "rules: 1 to " + MAX_RULES + " (condition, value) pairs");
        }
        for (int i = 0; i < rules.size(); i++) {
            VirtualTag.Rule r = rules.get(i);
            String where = "rules[" + (i + 1) + "]";
            if (r.value().isBlank() || r.value().length() > 200) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, where + ".value: 1 to 200 characters");
            }
            if (r.condition().isBlank()) {
                throw new RebillException(ErrorCode.BAD_EXPRESSION, where + ".condition: empty; write a CEL condition"
                        + " over the line, e.g. line.service_name == 'AmazonEC2'");
            }
            try {
                predicates.compile(r.condition());
            } catch (RebillException e) {
                throw new RebillException(e.code(), where + ".condition: " + e.getMessage(), e);
            }
        }
        return k;
    }

    private static String json(List<VirtualTag.Rule> rules) {
        return JSON.writeValueAsString(rules.stream().map(r -> Map.of("condition", r.condition(), "value", r.value()))
                .toList());
    }

    private static void requireWriter(Actor actor) {
        DailyCosts.viewerOf(actor);
        actor.require(actor.account().isMsp() ? Permission.CREATE_MANAGEMENT_RESOURCES
                : Permission.CREATE_ACCOUNT_RESOURCES);
    }

    private static RebillException unknown(UUID id) {
        return new RebillException(ErrorCode.UNKNOWN_ID, "no virtual tag " + id);
    }

    private VirtualTag tag(ResultSet rs, int row) throws SQLException {
        List<VirtualTag.Rule> rules = new ArrayList<>();
        for (JsonNode r : JSON.readTree(rs.getString("rules"))) {
            rules.add(new VirtualTag.Rule(r.path("condition").asString(), r.path("value").asString()));
        }
        return new VirtualTag(rs.getObject("id", UUID.class), rs.getString("key"), rules, rs.getString("created_by"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(), problem(rules));
    }

    /**
     * Why bill runs skip the tag: a condition this version does not compile (saved by an earlier one; a save checks
     * it, so only a stored tag can have one). The run compiles with the same compiler ({@code TagAggregate}), so this
     * is what it meets; a condition that compiles but fails on a period's lines is in the run's log only.
     */
    private Optional<String> problem(List<VirtualTag.Rule> rules) {
        for (int i = 0; i < rules.size(); i++) {
            try {
                predicates.compile(rules.get(i).condition());
            } catch (RuntimeException e) {
                return Optional.of("rules[" + (i + 1) + "].condition: " + e.getMessage() + " (bill runs skip this"
                        + " tag, so its lines have no value in reports, until the condition is corrected)");
            }
        }
        return Optional.empty();
    }
}

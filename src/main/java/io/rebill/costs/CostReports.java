package io.rebill.costs;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The costs feature's facade for saved cost reports (issue 12 item 2): any account's (the MSP's or a customer's),
 * listed, made, changed and deleted by its users who may create resources, and read from the daily aggregates the
 * bill runs wrote. A customer account's reports show its charge only and never group or filter by customer; this is
 * checked here, whatever the caller sends. A report of another account is unknown (404), like any other id.
 */
public final class CostReports {
    private static final SqlStatements SQL = SqlStatements.load(CostReports.class, "/io/rebill/costs/reports.sql");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JdbcClient jdbc;
    private final VirtualTags tags;
    private final Clock clock;
    private final ReportQuery query;
    private final io.rebill.identity.AuditLog audit;

    public CostReports(JdbcClient jdbc, VirtualTags tags, FineCosts fine, OwnIntegrationDays own, Clock clock,
                       io.rebill.identity.AuditLog audit) {
        this.audit = audit;
        this.jdbc = jdbc;
        this.tags = tags;
        this.clock = clock;
        this.query = new ReportQuery(jdbc, fine, own, SQL);
    }

    public List<SavedReport> list(Actor actor) {
        DailyCosts.viewerOf(actor);
        return jdbc.sql(SQL.get("list-reports")).param("account", actor.account().id()).query(reportOf(actor)).list();
    }

    public SavedReport get(Actor actor, UUID id) {
        DailyCosts.viewerOf(actor);
        return find(actor, id);
    }

    public SavedReport create(Actor actor, String title, ReportDefinition definition) {
        CostViewer viewer = requireWriter(actor);
        check(actor, viewer, definition);
        UUID id = UUID.randomUUID();
        jdbc.sql(SQL.get("insert-report")).param("id", id).param("account", actor.account().id())
                .param("title", title(title)).param("definition", JSON.writeValueAsString(definition.toJson()))
                .param("createdBy", actor.createdBy()).param("user", actor.userId()).update();
        SavedReport created = find(actor, id);
        audit.record(actor, "cost_report.create", id.toString(), java.util.Map.of("title", created.title(),
                "account", actor.account().name()));
        return created;
    }

    public SavedReport update(Actor actor, UUID id, String title, ReportDefinition definition) {
        CostViewer viewer = requireWriter(actor);
        String was = find(actor, id).title();
        check(actor, viewer, definition);
        jdbc.sql(SQL.get("update-report")).param("id", id).param("account", actor.account().id())
                .param("title", title(title)).param("definition", JSON.writeValueAsString(definition.toJson())).update();
        SavedReport changed = find(actor, id);
        audit.record(actor, "cost_report.update", id.toString(), java.util.Map.of("title", changed.title(),
                "was", was, "account", actor.account().name()));
        return changed;
    }

    public void delete(Actor actor, UUID id) {
        requireWriter(actor);
        SavedReport report = find(actor, id);
        if (report.isDefault()) {
            throw new RebillException(ErrorCode.IN_USE, "cost report " + id + " is the account's default report; change"
                    + " it instead of deleting it");
        }
        jdbc.sql(SQL.get("delete-report")).param("id", id).param("account", actor.account().id()).update();
        audit.record(actor, "cost_report.delete", id.toString(), java.util.Map.of("title", report.title(),
                "account", actor.account().name()));
    }

    /** The report's figures over its window as of today (UTC) and the window before. */
    public ReportData data(Actor actor, UUID id) {
        CostViewer viewer = DailyCosts.viewerOf(actor);
        SavedReport report = find(actor, id);
        return data(actor, viewer, report.definition());
    }

    /** Figures of a definition not saved (yet): the page's preview as the user edits. */
    public ReportData preview(Actor actor, ReportDefinition definition) {
        CostViewer viewer = DailyCosts.viewerOf(actor);
        check(actor, viewer, definition);
        return data(actor, viewer, definition);
    }

    private ReportData data(Actor actor, CostViewer viewer, ReportDefinition definition) {
        check(actor, viewer, definition);
        LocalDate today = LocalDate.now(clock);
        return query.run(viewer, definition, definition.window(today), definition.previous(today),
                definition.groupBy().stream().map(d -> label(actor, d)).toList(), billedBy(viewer));
    }

    /**
     * The figures as CSV: one row per bucket and group with an amount, exact decimals (never rounded; trailing zeros
     * after the cents dropped), then nothing else.
     */
    public String csv(ReportData data) {
        StringBuilder out = new StringBuilder("period_start");
        for (String label : data.groupLabels()) {
            out.append(',').append(cell(label));
        }
        out.append(",currency,").append(ReportDefinition.lower(data.measure())).append('\n');
        for (int b = 0; b < data.buckets().size(); b++) {
            for (ReportData.Row row : data.rows()) {
                BigDecimal amount = row.amounts().get(b);
                if (amount.signum() == 0) {
                    continue;
                }
                out.append(data.buckets().get(b));
                for (String key : row.keys()) {
                    out.append(',').append(key == null ? "" : cell(key));
                }
                out.append(',').append(data.currency().orElse("")).append(',')
                        .append(CostQuery.atLeastCents(amount).toPlainString()).append('\n');
            }
        }
        return out.toString();
    }

    /** How a dimension is titled: a virtual tag by its key, a tag as "Tag team". */
    public String label(Actor actor, ReportDimension d) {
        return switch (d.kind()) {
            case TAG -> "Tag " + d.key();
            case VIRTUAL_TAG -> tags.find(actor, d.virtualTag()).map(VirtualTag::key).orElse("Deleted virtual tag");
            case SERVICE, SERVICE_CATEGORY, CHARGE_TYPE, SUB_ACCOUNT, REGION, CUSTOMER, SOURCE -> d.kind().label();
        };
    }

    private static String cell(String text) {
        String t = text.startsWith("=") || text.startsWith("+") || text.startsWith("-") || text.startsWith("@")
                ? "'" + text : text;
        return t.contains(",") || t.contains("\"") || t.contains("\n") ? '"' + t.replace("\"", "\"\"") + '"' : t;
    }

    /**
     * What only the MSP may ask: a customer account's report shows charge and is never by customer (its own figures
     * are its only ones); a virtual tag must be the account's own.
     */
    private void check(Actor actor, CostViewer viewer, ReportDefinition definition) {
        if (viewer instanceof CostViewer.Customer) {
            if (definition.measure() != ReportDefinition.Measure.CHARGE) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "measure '" + ReportDefinition.lower(definition.measure())
                        + "' is for the MSP only; a customer account's reports show its charge");
            }
            if (definition.uses(ReportDimension.Kind.CUSTOMER)) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "dimension 'customer' is for the MSP only; a customer"
                        + " account's figures are its own");
            }
        } else if (definition.uses(ReportDimension.Kind.SOURCE)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "dimension 'source' is for customer accounts (what the"
                    + " MSP bills them beside their own integrations); the MSP's figures all come from its bill runs");
        }
        definition.tag().filter(t -> t.kind() == ReportDimension.Kind.VIRTUAL_TAG).ifPresent(t -> {
            if (tags.find(actor, t.virtualTag()).isEmpty()) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "no virtual tag " + t.key() + " in "
                        + actor.account().name() + " (see GET /api/v1/virtual_tags)");
            }
        });
    }

    private static CostViewer requireWriter(Actor actor) {
        CostViewer viewer = DailyCosts.viewerOf(actor);
        actor.require(actor.account().isMsp() ? Permission.CREATE_MANAGEMENT_RESOURCES
                : Permission.CREATE_ACCOUNT_RESOURCES);
        return viewer;
    }

    private SavedReport find(Actor actor, UUID id) {
        return jdbc.sql(SQL.get("get-report")).param("account", actor.account().id()).param("id", id)
                .query(reportOf(actor)).optional()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no cost report " + id));
    }

    private static String title(String title) {
        String t = title == null ? "" : title.strip();
        if (t.isEmpty() || t.length() > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "title: 1 to 200 characters");
        }
        return t;
    }

    /** "Billed by Cloud Partner": what the MSP bills, as a customer reads it in the Source dimension. */
    private String billedBy(CostViewer viewer) {
        return "Billed by " + jdbc.sql(SQL.get("msp-name")).param("msp", viewer.msp()).query(String.class).single();
    }

    /**
     * A stored report of the actor's account; a definition saved before own integrations were offered has no
     * {@code include_own_integrations} and takes the account's default (a customer's includes them).
     */
    private static org.springframework.jdbc.core.RowMapper<SavedReport> reportOf(Actor actor) {
        boolean customer = !actor.account().isMsp();
        return (rs, row) -> new SavedReport(rs.getObject("id", UUID.class), rs.getString("title"),
                ReportDefinition.fromJson(JSON.readTree(rs.getString("definition")), customer),
                rs.getBoolean("is_default"), rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

}

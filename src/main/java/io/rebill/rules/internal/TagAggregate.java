package io.rebill.rules.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.rules.BillResult;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.TagDimensions;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The tag aggregate of a finished {@link BillingRun} (issue 12 items 2 and 4): per customer, day, kind and service,
 * the cost and charge of every value of the chosen provider tag keys and of every virtual tag, written by DuckDB as
 * Parquet ordered by customer ({@link io.rebill.rules.RunFiles#TAGS}, kept with the run; reports read it with
 * DuckDB). Set-based: one
 * more pass of the run's chain sums its lines by customer, day, service, exclusion, tags and virtual tag values
 * ({@link BillingRun#createFromLines}); everything after reads that small table and the run's {@code extra}.
 *
 * <p>For every key the rows add up to the daily aggregate: lines without the key (or meeting no case of a virtual
 * tag) are a row with a null value, and the period's charges and credits too, on its first day.
 */
public final class TagAggregate {
    private final Connection duck;
    private final PredicateCompiler predicates;

    public TagAggregate(Connection duck, PredicateCompiler predicates) {
        this.duck = duck;
        this.predicates = predicates;
    }

    /** Writes the rows to {@code file}; returns how many. */
    public long write(BillingRun run, BillResult result, String defaultCurrency, TagDimensions tags, Path file) {
        try {
            List<Object> params = new ArrayList<>();
            StringBuilder virtual = new StringBuilder();
            for (int i = 0; i < tags.virtualTags().size(); i++) {
                virtual.append(", ").append(caseOf(tags.virtualTags().get(i), params)).append(" AS vt_").append(i);
            }
            // lines alike in customer, day, service, exclusion, tags and virtual tag values are summed into one row
            run.createFromLines("rb_tag_lines", "SELECT customer_id, excluded, CAST(charge_period_start AS DATE) AS"
                    + " usage_day, COALESCE(service_name, 'Other') AS service, billing_currency, tags" + virtual
                    + ", count(*) AS n_lines, sum(cost) AS cost, sum(charge) AS charge FROM lines GROUP BY ALL", params);
            try (Statement s = duck.createStatement()) {
                s.execute("CREATE OR REPLACE TEMP TABLE rb_tag_keys (tag_source VARCHAR, tag_key VARCHAR,"
                        + " customer_key VARCHAR, position INTEGER)");
                // the most frequent provider tag keys (by line count), so that the aggregate stays small
                s.execute("INSERT INTO rb_tag_keys SELECT 'tag', k, NULL, -1 FROM (SELECT unnest(list_transform(tags,"
                        + " lambda t: t.key)) AS k, n_lines FROM rb_tag_lines) WHERE k IS NOT NULL AND k <> ''"
                        + " GROUP BY k ORDER BY sum(n_lines) DESC, k LIMIT " + tags.providerKeys());
            }
            try (PreparedStatement ps = duck.prepareStatement("INSERT INTO rb_tag_keys VALUES ('virtual', ?, ?, ?)")) {
                for (int i = 0; i < tags.virtualTags().size(); i++) {
                    TagDimensions.VirtualTagSql vt = tags.virtualTags().get(i);
                    ps.setString(1, vt.id());
                    ps.setString(2, vt.customerKey().orElse(null));
                    ps.setInt(3, i);
                    ps.addBatch();
                }
                if (!tags.virtualTags().isEmpty()) {
                    ps.executeBatch();
                }
            }
            StringBuilder valueOf = new StringBuilder("CASE WHEN k.tag_source = 'tag' THEN "
                    + CanonicalColumn.tagValueSql("l.tags", "k.tag_key"));
            for (int i = 0; i < tags.virtualTags().size(); i++) {
                valueOf.append(" WHEN k.position = ").append(i).append(" THEN l.vt_").append(i);
            }
            valueOf.append(" END");
            String first = result.period().month().atDay(1).toString();
            String sql = "CREATE OR REPLACE TEMP TABLE rb_tags AS SELECT customer_key, day, kind, service, tag_source,"
                    + " tag_key, tag_value, currency, cost, charge FROM ("
                    // excluded and unassigned rows carry the MSP's cost only, as in the daily aggregate
                    + " SELECT l.customer_id AS customer_key, COALESCE(l.usage_day, CAST(? AS DATE)) AS day,"
                    + " CASE WHEN l.customer_id IS NULL THEN 'unassigned' WHEN l.excluded THEN 'excluded' ELSE 'usage'"
                    + " END AS kind, l.service, k.tag_source, k.tag_key, " + valueOf + " AS tag_value,"
                    + " COALESCE(l.billing_currency, ?) AS currency, sum(l.cost) AS cost,"
                    + " CASE WHEN l.customer_id IS NULL OR l.excluded THEN 0 ELSE COALESCE(sum(l.charge), 0) END AS charge"
                    + " FROM rb_tag_lines l JOIN rb_tag_keys k ON k.customer_key IS NULL"
                    + " OR k.customer_key IS NOT DISTINCT FROM l.customer_id"
                    + " GROUP BY l.customer_id, l.usage_day, l.excluded, l.service, k.tag_source, k.tag_key, tag_value,"
                    + " l.billing_currency"
                    + " UNION ALL SELECT e.customer_id, CAST(? AS DATE), e.kind, e.service, k.tag_source, k.tag_key, NULL,"
                    + " COALESCE((SELECT min(g.billing_currency) FROM rb_tag_lines g WHERE g.customer_id = e.customer_id),"
                    + " ?), 0, e.amount FROM extra e JOIN rb_tag_keys k ON k.customer_key IS NULL"
                    + " OR k.customer_key = e.customer_id)";
            try (PreparedStatement ps = duck.prepareStatement(sql)) {
                ps.setString(1, first);
                ps.setString(2, defaultCurrency);
                ps.setString(3, first);
                ps.setString(4, defaultCurrency);
                ps.execute();
            }
            try (Statement s = duck.createStatement()) {
                s.execute("SET preserve_insertion_order = true");
                // by customer first (a customer's report reads its row groups only), then by the key a report uses
                s.execute("COPY (SELECT * FROM rb_tags ORDER BY customer_key NULLS FIRST, tag_source, tag_key, day,"
                        + " service) TO '" + DuckDb.literal(file.toString()) + "' (FORMAT parquet, COMPRESSION zstd,"
                        + " ROW_GROUP_SIZE " + DailyAggregate.ROW_GROUP + ")");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM rb_tags")) {
                    rs.next();
                    long rows = rs.getLong(1);
                    s.execute("DROP TABLE rb_tags");
                    return rows;
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "the tag aggregate of " + result.period()
                    + " failed in DuckDB: " + e.getMessage(), e);
        }
    }

    /** {@code CASE WHEN c1 THEN v1 WHEN c2 THEN v2 END}: the first case a line meets (none: NULL). */
    private String caseOf(TagDimensions.VirtualTagSql tag, List<Object> params) {
        if (tag.cases().isEmpty()) {
            return "CAST(NULL AS VARCHAR)";
        }
        StringBuilder sql = new StringBuilder("CASE");
        for (TagDimensions.Case c : tag.cases()) {
            PredicateCompiler.Compiled p = predicates.compile(c.condition());
            sql.append(" WHEN ").append(p.sql()).append(" THEN CAST(? AS VARCHAR)");
            params.addAll(p.params());
            params.add(c.value());
        }
        return sql.append(" END").toString();
    }
}

package io.rebill.rules.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.rules.BillResult;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.TagDimensions;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
 *
 * <p>A virtual tag the run cannot compute (a condition saved by an earlier version that this one no longer compiles,
 * or one that fails in DuckDB on the period's lines) never fails the run: it is skipped with a WARN naming it, its
 * account and the reason, and its rows are all without a value, so its totals stay those of the daily aggregate.
 */
public final class TagAggregate {
    /** The distinct tag lists of the run's lines, kept by {@link #releaseLines} for {@link KeptTags}. */
    static final String TAG_SETS = "rb_tag_sets";
    private static final Logger LOG = LoggerFactory.getLogger(TagAggregate.class);
    private final Connection duck;
    private final PredicateCompiler predicates;
    private List<Skipped> skipped = List.of();

    public TagAggregate(Connection duck, PredicateCompiler predicates) {
        this.duck = duck;
        this.predicates = predicates;
    }

    /** A virtual tag the run could not compute, and why: its lines read as no value, the run goes on. */
    public record Skipped(TagDimensions.VirtualTagSql tag, String reason) {
    }

    /** Writes the rows to {@code file}; returns how many. The lines it summed stay until {@link #releaseLines}. */
    public long write(BillingRun run, BillResult result, String defaultCurrency, TagDimensions tags, Path file) {
        try {
            List<Skipped> problems = new ArrayList<>();
            List<Optional<Column>> columns = new ArrayList<>();
            for (TagDimensions.VirtualTagSql tag : tags.virtualTags()) {
                try {
                    columns.add(Optional.of(caseOf(tag)));
                } catch (RuntimeException e) {
                    // a condition saved by an earlier version that this one no longer compiles (docs/costs.md)
                    problems.add(new Skipped(tag, e.getMessage() != null ? e.getMessage() : e.toString()));
                    columns.add(Optional.empty());
                }
            }
            sumLines(run, tags, columns, problems);
            problems.forEach(k -> LOG.warn("bill run of {}: {} skipped, its lines have no value in reports until it is"
                    + " corrected: {}", result.period(), k.tag().label(), k.reason()));
            this.skipped = List.copyOf(problems);
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
                    s.execute("DROP TABLE IF EXISTS rb_tag_keys");
                    return rows;
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "the tag aggregate of " + result.period()
                    + " failed in DuckDB: " + e.getMessage(), e);
        }
    }

    /**
     * Frees the lines {@link #write} summed per tag list (millions of rows at 10 M lines; the kept lines' sort needs
     * the memory), keeping first, when {@code keepTagSets}, their distinct tag lists as {@value #TAG_SETS}: every tag
     * set of the run's lines, which the kept lines' dictionary ({@link KeptTags}) then takes from a few million
     * summed rows instead of comparing the lists of every line again.
     */
    public static void releaseLines(Connection duck, boolean keepTagSets) {
        try (Statement s = duck.createStatement()) {
            if (keepTagSets) {
                s.execute("CREATE OR REPLACE TEMP TABLE " + TAG_SETS + " AS SELECT DISTINCT tags FROM rb_tag_lines");
            }
            s.execute("DROP TABLE IF EXISTS rb_tag_lines");
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "the tag sets of the run's lines failed in DuckDB: "
                    + e.getMessage(), e);
        }
    }

    /** What {@link #write} skipped (empty when every virtual tag was computed). */
    public List<Skipped> skipped() {
        return skipped;
    }

    /** A virtual tag's column in the summed lines: its SQL and the parameters it binds. */
    private record Column(String sql, List<Object> params) {
    }

    /**
     * Sums the lines alike in customer, day, service, exclusion, tags and virtual tag values into one row
     * ({@code rb_tag_lines}), a skipped virtual tag's column being NULL. When that pass fails in DuckDB (a condition
     * that compiles but fails on some line: an overflow, a modulo by a computed zero, docs/cel.md) and virtual tags
     * take part, each is tried alone over the lines; those that fail are skipped and the pass runs again without
     * them. An error no virtual tag explains (a full disk) fails the aggregate as before.
     */
    private void sumLines(BillingRun run, TagDimensions tags, List<Optional<Column>> columns, List<Skipped> skipped) {
        try {
            createTagLines(run, columns);
        } catch (RebillException e) {
            boolean found = false;
            for (int i = 0; i < columns.size(); i++) {
                Optional<Column> c = columns.get(i);
                if (c.isEmpty()) {
                    continue;
                }
                try {
                    run.createFromLines("rb_tag_probe", "SELECT count(" + c.get().sql() + ") AS n FROM lines",
                            c.get().params());
                } catch (RebillException probe) {
                    skipped.add(new Skipped(tags.virtualTags().get(i), "its conditions fail on the period's lines: "
                            + reason(probe)));
                    columns.set(i, Optional.empty());
                    found = true;
                }
            }
            if (!found) {
                throw e;
            }
            createTagLines(run, columns);
        }
    }

    private static void createTagLines(BillingRun run, List<Optional<Column>> columns) {
        List<Object> params = new ArrayList<>();
        StringBuilder virtual = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            Optional<Column> c = columns.get(i);
            virtual.append(", ").append(c.map(Column::sql).orElse("CAST(NULL AS VARCHAR)")).append(" AS vt_").append(i);
            c.ifPresent(col -> params.addAll(col.params()));
        }
        run.createFromLines("rb_tag_lines", "SELECT customer_id, excluded, CAST(charge_period_start AS DATE) AS"
                + " usage_day, COALESCE(service_name, 'Other') AS service, billing_currency, tags" + virtual
                + ", count(*) AS n_lines, sum(cost) AS cost, sum(charge) AS charge FROM lines GROUP BY ALL", params);
    }

    /** DuckDB's own words, without the wrapper's "summing the tags of ... failed in DuckDB: ". */
    private static String reason(RebillException e) {
        return e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
    }

    /** {@code CASE WHEN c1 THEN v1 WHEN c2 THEN v2 END}: the first case a line meets (none: NULL). */
    private Column caseOf(TagDimensions.VirtualTagSql tag) {
        if (tag.cases().isEmpty()) {
            return new Column("CAST(NULL AS VARCHAR)", List.of());
        }
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("CASE");
        for (int i = 0; i < tag.cases().size(); i++) {
            TagDimensions.Case c = tag.cases().get(i);
            PredicateCompiler.Compiled p;
            try {
                p = predicates.compile(c.condition());
            } catch (RebillException e) {
                throw new RebillException(e.code(), "rules[" + (i + 1) + "].condition: " + e.getMessage(), e);
            }
            sql.append(" WHEN ").append(p.sql()).append(" THEN CAST(? AS VARCHAR)");
            params.addAll(p.params());
            params.add(c.value());
        }
        return new Column(sql.append(" END").toString(), params);
    }
}

package io.rebill.costs;

import io.rebill.rules.RunFiles;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The fine cost figures (issue 11 item 8, issue 12 item 7): the daily and tag aggregates a bill run keeps as Parquet
 * in its folder ({@link RunFiles}), read with DuckDB (in memory, a connection per read) by the reports, figures and
 * budgets that group or filter by a dimension the PostgreSQL rollup {@code cost_daily_service} does not hold. The
 * folder of a period is that of the run whose rollup PostgreSQL holds, i.e. its latest successful run (the rollup is
 * written in the transaction of the run's drafts, so reports and invoices agree).
 *
 * <p>Tenancy: the files are the MSP's own (its folder). A customer reads only its own rows: its key in the MSP's
 * configuration (looked up with the MSP and the account in SQL) and the kinds a customer sees are a filter of the
 * innermost read, bound as parameters, so its query never sees another customer's row; DuckDB reads only the row
 * groups whose customer_key min/max hold it.
 */
public final class FineCosts {
    private static final SqlStatements SQL = SqlStatements.load(FineCosts.class, "/io/rebill/costs/costs.sql");
    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
            .build();

    /** Which aggregate a query reads. */
    public enum Table {
        DAILY(RunFiles.DAILY), TAGS(RunFiles.TAGS);

        private final String file;

        Table(String file) {
            this.file = file;
        }
    }

    /** Receives each row of a query's answer. */
    @FunctionalInterface
    public interface Rows {
        void row(ResultSet rs) throws SQLException;
    }

    /** A period whose latest run has no fine aggregates (billed before they were kept as files). */
    public record Missing(UUID msp, BillingPeriod period, UUID run) {
    }

    private final JdbcClient jdbc;
    private final RebillSettings settings;

    public FineCosts(JdbcClient jdbc, RebillSettings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    /**
     * Runs {@code sql} over the viewer's fine rows of the periods {@code from} to {@code to}: every {@code {rows}} in
     * it becomes the rows as {@code d}, with the customer account (columns {@code a.account_id}, {@code a.name})
     * joined as {@code a}. {@code sql} is put together from constants only; {@code params} are bound in order after
     * the ones {@code {rows}} binds (so {@code {rows}} comes before every {@code ?} of the caller). Periods without
     * figures are skipped; a period whose run has no files answers {@link ErrorCode#FIGURES_REFRESHING}, or
     * {@link ErrorCode#FIGURES_UNAVAILABLE} when they could not be rebuilt.
     */
    public void query(CostViewer viewer, BillingPeriod from, BillingPeriod to, Table table, String sql,
                      List<Object> params, Rows rows) {
        query(viewer, from, to, List.of(table.file), (duck, folders, customerKey) -> {
            String source = "read_parquet(" + DuckDb.fileList(resolve(folders, table.file)) + ")";
            return customerKey.isPresent()
                    ? new Source("(SELECT * FROM " + source + " WHERE customer_key = ?" + CUSTOMER_KINDS + ") d",
                    List.of(customerKey.get()))
                    : new Source(source + " d", List.of());
        }, sql, params, rows);
    }

    /**
     * As {@link #query}, over the rows of one tag ({@code source} {@code tag}: a provider key, {@code virtual}: a
     * virtual tag's id) in the tag aggregates, with {@code d.tag_value} its value. A period whose tag aggregate has
     * no row of the key (no line of it carried the key, it was not among the most frequent keys its run kept, or the
     * virtual tag did not exist yet) gives its rows of the daily aggregate the same run wrote, without a value: so
     * for every key the rows add up to the figures without a tag, and a filter on a value matches none of that
     * period's rows (docs/costs.md, "Which tag keys"). A customer's check is over its own rows: it has rows of the
     * key in a period whenever it has any there, as the aggregate gives every customer's lines a row per key.
     * Answers the periods read without the key, oldest first.
     */
    public List<BillingPeriod> queryTag(CostViewer viewer, BillingPeriod from, BillingPeriod to, String source,
                                        String key, String sql, List<Object> params, Rows rows) {
        List<BillingPeriod> withoutKey = new ArrayList<>();
        query(viewer, from, to, List.of(RunFiles.TAGS, RunFiles.DAILY), (duck, folders, customerKey) -> {
            String scope = customerKey.isPresent() ? " AND customer_key = ?" + CUSTOMER_KINDS : "";
            List<Object> bound = new ArrayList<>(List.of(source, key));
            customerKey.ifPresent(bound::add);
            // first which runs' tag files have a row of the key: one query per period that stops at its first row
            // (a kept key is near the start of each customer's rows; tens of milliseconds for 12 periods), so that
            // the daily files are read only for the periods without it, usually none
            List<Path> tagged = new ArrayList<>();
            List<Path> untagged = new ArrayList<>();
            for (Path folder : folders) {
                try (PreparedStatement ps = duck.prepareStatement("SELECT 1 FROM read_parquet('"
                        + DuckDb.literal(folder.resolve(RunFiles.TAGS).toString()) + "') WHERE tag_source = ? AND"
                        + " tag_key = ?" + scope + " LIMIT 1")) {
                    for (int i = 0; i < bound.size(); i++) {
                        ps.setString(i + 1, bound.get(i).toString());
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        (rs.next() ? tagged : untagged).add(folder);
                    }
                }
            }
            withoutKey.clear();
            // a run's folder is REBILL_HOME/runs/<msp>/<period>/<run> (RunFiles.folder)
            untagged.forEach(f -> withoutKey.add(BillingPeriod.parse(f.getParent().getFileName().toString())));
            List<String> parts = new ArrayList<>();
            List<Object> both = new ArrayList<>();
            if (!tagged.isEmpty()) {
                parts.add("SELECT customer_key, day, kind, service, tag_source, tag_key, tag_value, currency, cost,"
                        + " charge FROM read_parquet(" + DuckDb.fileList(resolve(tagged, RunFiles.TAGS)) + ")"
                        + " WHERE tag_source = ? AND tag_key = ?" + scope);
                both.addAll(bound);
            }
            if (!untagged.isEmpty()) {
                parts.add("SELECT customer_key, day, kind, service, CAST(? AS VARCHAR) AS tag_source, CAST(? AS VARCHAR)"
                        + " AS tag_key, CAST(NULL AS VARCHAR) AS tag_value, currency, cost, charge FROM read_parquet("
                        + DuckDb.fileList(resolve(untagged, RunFiles.DAILY)) + ") WHERE TRUE" + scope);
                both.addAll(bound);
            }
            return new Source("(" + String.join(" UNION ALL ", parts) + ") d", both);
        }, sql, params, rows);
        return List.copyOf(withoutKey);
    }

    /** The kinds of rows a customer sees (never the MSP's excluded or unassigned cost). */
    private static final String CUSTOMER_KINDS = " AND kind IN ('usage', 'charge', 'credit')";

    /** What {@code {rows}} becomes, and the parameters it binds, for the runs' folders and the customer's key. */
    private record Source(String sql, List<Object> params) {
    }

    /** Builds the {@link Source} of a read on its DuckDB connection (a tag read first asks which runs have the key). */
    @FunctionalInterface
    private interface SourceOf {
        Source of(Connection duck, List<Path> folders, Optional<String> customerKey) throws SQLException;
    }

    private static List<Path> resolve(List<Path> folders, String file) {
        return folders.stream().map(f -> f.resolve(file)).toList();
    }

    private void query(CostViewer viewer, BillingPeriod from, BillingPeriod to, List<String> needed,
                       SourceOf source, String sql, List<Object> params, Rows rows) {
        Optional<String> customerKey = switch (viewer) {
            case CostViewer.Msp m -> Optional.empty();
            case CostViewer.Customer c -> jdbc.sql(SQL.get("customer-key")).param("msp", c.msp())
                    .param("customer", c.account()).query(String.class).optional();
        };
        if (viewer instanceof CostViewer.Customer && customerKey.isEmpty()) {
            return; // an account the MSP does not bill has no figures
        }
        // a newer run of a period may succeed and remove this run's folder between the lookup and the read: once
        // more with the folders looked up again, then the error
        for (int attempt = 1; ; attempt++) {
            Optional<List<Path>> folders = folders(viewer.msp(), from, to, needed, attempt >= 2);
            if (folders.isEmpty()) {
                continue;
            }
            if (folders.get().isEmpty()) {
                return;
            }
            try {
                read(viewer, source, folders.get(), customerKey, sql, params, rows);
                return;
            } catch (SQLException e) {
                if (attempt >= 2 || folders.get().stream().allMatch(f -> needed.stream()
                        .allMatch(n -> Files.exists(f.resolve(n))))) {
                    throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the cost figures from " + from
                            + " to " + to + " failed in DuckDB: " + e.getMessage(), e);
                }
            }
        }
    }

    private void read(CostViewer viewer, SourceOf source, List<Path> folders, Optional<String> customerKey, String sql,
                      List<Object> params, Rows rows) throws SQLException {
        String[] parts = sql.split("\\{rows}", -1);
        try (Connection duck = DuckDb.open(settings)) {
            Source from = source.of(duck, folders, customerKey);
            try (Statement s = duck.createStatement()) {
                s.execute("CREATE TEMP TABLE rb_accounts (customer_key VARCHAR, account_id VARCHAR, name VARCHAR)");
            }
            var statement = switch (viewer) {
                case CostViewer.Msp m -> jdbc.sql(SQL.get("msp-accounts")).param("msp", m.msp());
                case CostViewer.Customer c -> jdbc.sql(SQL.get("customer-account")).param("msp", c.msp())
                        .param("customer", c.account());
            };
            DuckDb.insertRows(duck, "rb_accounts", "(?, ?, ?)", statement.query((rs, i) -> new Object[]{
                    rs.getString("key"), rs.getString("id"), rs.getString("name")}).list());
            String joined = from.sql() + " LEFT JOIN rb_accounts a ON a.customer_key = d.customer_key";
            List<Object> all = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                all.addAll(from.params());
            }
            all.addAll(params);
            try (PreparedStatement ps = duck.prepareStatement(String.join(joined, parts))) {
                for (int i = 0; i < all.size(); i++) {
                    ps.setObject(i + 1, all.get(i) == null ? null : all.get(i).toString());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.row(rs);
                    }
                }
            }
        }
    }

    /**
     * The run folder of each period from..to that has figures, oldest first. A {@code needed} file that is not there:
     * empty (look again: a newer run may just have replaced the folder), or on the {@code last} look the error that
     * says the figures are being refreshed (a run billed by an earlier version, which kept no aggregate files: an open
     * period is billed again, a closed one's files are rebuilt from its run's inputs), or, when the rebuild of a
     * closed period's files could not be done, why ({@link ErrorCode#FIGURES_UNAVAILABLE}: trying again won't help).
     */
    private Optional<List<Path>> folders(UUID msp, BillingPeriod from, BillingPeriod to, List<String> needed,
                                         boolean last) {
        TreeMap<String, UUID> runs = new TreeMap<>();
        jdbc.sql(SQL.get("runs-of-periods")).param("msp", msp).param("from", from.toString())
                .param("to", to.toString()).query(rs -> {
                    runs.put(rs.getString("period"), UUID.fromString(rs.getString("run_id")));
                });
        List<Path> folders = new ArrayList<>();
        for (var e : runs.entrySet()) {
            Path folder = RunFiles.folder(settings.home(), msp, BillingPeriod.parse(e.getKey()), e.getValue());
            if (!needed.stream().allMatch(n -> Files.exists(folder.resolve(n)))) {
                if (!last) {
                    return Optional.empty();
                }
                Optional<String> unavailable = jdbc.sql(SQL.get("run-figures-error")).param("msp", msp)
                        .param("run", e.getValue()).query((rs, n) -> Optional.ofNullable(rs.getString(1)))
                        .optional().flatMap(error -> error);
                if (unavailable.isPresent()) {
                    throw new RebillException(ErrorCode.FIGURES_UNAVAILABLE, unavailable.get());
                }
                throw new RebillException(ErrorCode.FIGURES_REFRESHING, "the figures of " + e.getKey() + " by region,"
                        + " provider account, category, charge type or tag are being refreshed: they were stored by an"
                        + " earlier version of Rebill, and the server writes them again (a bill run of an open period,"
                        + " a rebuild from its bill run's inputs for a closed one); try again in a minute");
            }
            folders.add(folder);
        }
        return Optional.of(folders);
    }

    /**
     * Where a daily aggregate rebuilt for a run ({@code daily}, a Parquet file) differs from the rollup by customer,
     * day, kind and service the run stored (what reports by day and service show), summed over the customers by day,
     * kind, service and currency: at most five, as text (none: the same to the last digit).
     */
    public List<String> rollupDifferences(UUID msp, BillingPeriod period, UUID run, Path daily) {
        List<java.util.Map<String, String>> rows = new ArrayList<>();
        try (Connection duck = DuckDb.open(settings);
             PreparedStatement ps = duck.prepareStatement(SQL.get("fine-rollup"))) {
            ps.setString(1, daily.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(java.util.Map.of("day", rs.getString("day"), "kind", rs.getString("kind"), "service",
                            rs.getString("service"), "currency", rs.getString("currency"), "cost",
                            rs.getString("cost"), "charge", rs.getString("charge")));
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the rebuilt figures in " + daily + " failed: "
                    + e.getMessage(), e);
        }
        return jdbc.sql(SQL.get("rollup-differences")).param("msp", msp).param("period", period.toString())
                .param("run", run).param("rows", JSON.writeValueAsString(rows))
                .query((rs, n) -> rs.getString("what") + ": cost " + plain(rs, "rebuilt_cost") + ", charge "
                        + plain(rs, "rebuilt_charge") + " against the run's " + plain(rs, "stored_cost") + ", "
                        + plain(rs, "stored_charge")).list();
    }

    private static String plain(ResultSet rs, String column) throws SQLException {
        java.math.BigDecimal amount = rs.getBigDecimal(column);
        return amount == null ? "none" : amount.stripTrailingZeros().toPlainString();
    }

    /**
     * Every MSP's period whose latest run has no fine aggregates: what a start after an upgrade bills again (open
     * periods) or rebuilds the files of (closed ones).
     */
    public List<Missing> missing() {
        List<Missing> missing = new ArrayList<>();
        jdbc.sql(SQL.get("runs-of-every-msp")).query(rs -> {
            UUID msp = rs.getObject("msp_id", UUID.class);
            BillingPeriod period = BillingPeriod.parse(rs.getString("period"));
            UUID run = UUID.fromString(rs.getString("run_id"));
            if (!Files.exists(RunFiles.folder(settings.home(), msp, period, run).resolve(RunFiles.DAILY))) {
                missing.add(new Missing(msp, period, run));
            }
        });
        return missing;
    }
}

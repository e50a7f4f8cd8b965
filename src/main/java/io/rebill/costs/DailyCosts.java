package io.rebill.costs;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.DailyBill;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The costs feature's facade for what customers see of their re-billed costs (issue 12): the daily aggregates each
 * successful bill run writes, and the figures reports read from them, never from the line items. PostgreSQL holds
 * the rollup by customer, day, kind and service ({@code cost_daily_service}, written in the transaction of the run's
 * drafts) and its sums by customer, day and kind ({@code cost_daily_customer}, same transaction, read by whatever
 * needs no service); the fine rows (also by category, charge type, region and account, and per tag) are Parquet files in the
 * run's folder, read with DuckDB ({@link FineCosts}). A customer's figures are its own charge only (usage after
 * rules, charges and credits); the MSP's add the cost and so the margin, per customer and unassigned.
 */
public final class DailyCosts {
    private static final SqlStatements SQL = SqlStatements.load(DailyCosts.class, "/io/rebill/costs/costs.sql");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JdbcClient jdbc;
    private final javax.sql.DataSource dataSource;
    private final FineCosts fine;

    public DailyCosts(JdbcClient jdbc, javax.sql.DataSource dataSource, FineCosts fine) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.fine = fine;
    }

    /** The fine figures' reader (budgets narrowed by a fine dimension read through it). */
    public FineCosts fine() {
        return fine;
    }

    /**
     * Replaces the MSP's rollup of the period with a run's, in the caller's transaction (the run's drafts are written
     * in the same one, so reports and invoices never disagree; the run's fine files are already in its folder, and
     * readers find them through this rollup's run). The rollup DuckDB wrote as CSV goes through PostgreSQL's COPY
     * into typed columns of a temporary table, then into the table in one statement; {@code accountOfKey} maps a
     * customer's id in the configuration to its account. Returns the phase's milliseconds for the run's log line.
     */
    public Map<String, Long> replace(UUID msp, UUID run, BillingPeriod period,
                                     Function<String, Optional<UUID>> accountOfKey, DailyBill bill) {
        long started = System.nanoTime();
        jdbc.sql(SQL.get("delete-period-rollup")).param("msp", msp).param("period", period.toString()).update();
        Map<String, String> accounts = new LinkedHashMap<>();
        for (CustomerBill c : bill.result().customers()) {
            accountOfKey.apply(c.customerId()).ifPresent(a -> accounts.put(c.customerId(), a.toString()));
        }
        java.sql.Connection connection = org.springframework.jdbc.datasource.DataSourceUtils.getConnection(dataSource);
        try (java.io.Reader rows = bill.rollupReader(); java.sql.Statement s = connection.createStatement()) {
            s.execute(SQL.get("create-rollup-stage"));
            connection.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(SQL.get("copy-rollup-stage"), rows);
        } catch (java.sql.SQLException | java.io.IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "storing the daily costs of " + period + " failed: "
                    + e.getMessage(), e);
        } finally {
            org.springframework.jdbc.datasource.DataSourceUtils.releaseConnection(connection, dataSource);
        }
        jdbc.sql(SQL.get("insert-rollup")).param("msp", msp).param("period", period.toString()).param("run", run)
                .param("accounts", JSON.writeValueAsString(accounts)).update();
        jdbc.sql(SQL.get("delete-period-customer-rollup")).param("msp", msp).param("period", period.toString()).update();
        jdbc.sql(SQL.get("insert-customer-rollup")).param("msp", msp).param("period", period.toString()).update();
        Map<String, Long> phases = new LinkedHashMap<>();
        phases.put("daily write", (System.nanoTime() - started) / 1_000_000);
        return phases;
    }

    /** The provider tag keys a bill run sums per value for the reports: the most frequent of the period's lines. */
    public static final int REPORT_TAG_KEYS = 20;

    /**
     * What the MSP's bill runs sum per tag (issue 12): the {@value #REPORT_TAG_KEYS} most frequent provider tag keys
     * and every virtual tag of the MSP and of its customers ({@code accountOfKey}: a customer's id in the configuration
     * to its account; a customer account's tags cover its own lines, one no longer in the configuration none).
     */
    public io.rebill.rules.TagDimensions tagDimensions(UUID msp, io.rebill.rules.MspConfig config,
                                                       Function<String, Optional<UUID>> accountOfKey) {
        Map<UUID, String> keyOfAccount = new java.util.HashMap<>();
        for (io.rebill.rules.Customer c : config.customers()) {
            accountOfKey.apply(c.id()).ifPresent(a -> keyOfAccount.put(a, c.id()));
        }
        List<io.rebill.rules.TagDimensions.VirtualTagSql> tags = new ArrayList<>();
        jdbc.sql(REPORTS_SQL.get("tags-of-msp")).param("msp", msp).query(rs -> {
            UUID account = rs.getObject("account_id", UUID.class);
            boolean mspTag = "msp".equals(rs.getString("kind"));
            if (!mspTag && !keyOfAccount.containsKey(account)) {
                return;
            }
            List<io.rebill.rules.TagDimensions.Case> cases = new ArrayList<>();
            for (tools.jackson.databind.JsonNode r : JSON.readTree(rs.getString("rules"))) {
                cases.add(new io.rebill.rules.TagDimensions.Case(r.path("condition").asString(),
                        r.path("value").asString()));
            }
            tags.add(new io.rebill.rules.TagDimensions.VirtualTagSql(rs.getObject("id", UUID.class).toString(),
                    rs.getString("key"), rs.getString("name"),
                    mspTag ? Optional.empty() : Optional.of(keyOfAccount.get(account)), cases));
        });
        return new io.rebill.rules.TagDimensions(REPORT_TAG_KEYS, tags);
    }

    private static final SqlStatements REPORTS_SQL = SqlStatements.load(DailyCosts.class, "/io/rebill/costs/reports.sql");

    /** Groupings the rollup by customer, day, kind and service answers; anything finer reads the fine files. */
    private static final java.util.Set<CostGroup> ROLLED_UP = java.util.EnumSet.of(CostGroup.DAY, CostGroup.SERVICE,
            CostGroup.KIND, CostGroup.CUSTOMER);

    /** Groupings the rollup by customer, day and kind ({@code cost_daily_customer}, no service) answers. */
    private static final java.util.Set<CostGroup> BY_CUSTOMER = java.util.EnumSet.of(CostGroup.DAY, CostGroup.KIND,
            CostGroup.CUSTOMER);

    /**
     * Who the actor reads figures as: the MSP's staff with View Managed Accounts (Owner, Integration Owner) read the
     * MSP's; inside a customer account (its users, or the MSP's staff as Manager User) View Account reads that
     * account's own. An MSP's Editor or Viewer reads none (403): the figures show every customer's cost and margin.
     */
    public static CostViewer viewerOf(Actor actor) {
        if (actor.account().isMsp()) {
            actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
            return new CostViewer.Msp(actor.account().id());
        }
        actor.require(Permission.VIEW_ACCOUNT);
        UUID msp = actor.account().mspId().orElseThrow(() -> new RebillException(ErrorCode.FORBIDDEN,
                "this account is not managed by an MSP and has no re-billed costs"));
        return new CostViewer.Customer(msp, actor.account().id());
    }

    /** The period's figures as the viewer may see them, grouped by {@code groups} (none: one total row). */
    public CostFigures figures(CostViewer viewer, BillingPeriod period, List<CostGroup> groups) {
        boolean msp = checkGroups(viewer, groups);
        boolean rollup = ROLLED_UP.containsAll(groups);
        String columns = groups.stream().map(CostGroup::column).collect(Collectors.joining(", "));
        String sql = SQL.get((rollup ? "" : "fine-") + (msp ? "msp-figures" : "customer-figures"))
                .replace("{table}", BY_CUSTOMER.containsAll(groups) ? "cost_daily_customer" : "cost_daily_service")
                .replace("{select}", groups.isEmpty() ? "" : columns + ",")
                .replace("{group}", groups.isEmpty() ? "" : "GROUP BY " + columns + " ORDER BY " + columns);
        int n = groups.size();
        List<CostFigures.Row> rows = new ArrayList<>();
        FineCosts.Rows row = rs -> {
            if (rs.getLong(n + 2) > 1) {
                throw new RebillException(ErrorCode.BAD_VALUE, "the figures of " + period + " are in several currencies;"
                        + " group them by customer");
            }
            List<String> keys = new ArrayList<>();
            for (int k = 1; k <= n; k++) {
                keys.add(rs.getString(k));
            }
            // with no group and no rows, SUM answers one row of nulls (no currency): left out below
            BigDecimal charge = Optional.ofNullable(rs.getBigDecimal(n + 3)).orElse(BigDecimal.ZERO);
            rows.add(new CostFigures.Row(keys, rs.getString(n + 1), charge, msp
                    ? Optional.of(Optional.ofNullable(rs.getBigDecimal(n + 4)).orElse(BigDecimal.ZERO)) : Optional.empty()));
        };
        if (rollup) {
            var statement = jdbc.sql(sql).param("msp", viewer.msp()).param("period", period.toString());
            if (viewer instanceof CostViewer.Customer c) {
                statement = statement.param("customer", c.account());
            }
            statement.query(rs -> {
                row.row(rs);
            });
        } else {
            fine.query(viewer, period, period, FineCosts.Table.DAILY, sql, List.of(), row);
        }
        // with no group, an empty period still answers one row of SUM(NULL): no figures
        return new CostFigures(period, groups, rows.stream().filter(r -> r.currency() != null).toList());
    }

    /** Refuses a grouping the viewer may not ask for (customer is the MSP's only); true when the viewer is the MSP. */
    public static boolean checkGroups(CostViewer viewer, List<CostGroup> groups) {
        return switch (viewer) {
            case CostViewer.Msp m -> true;
            case CostViewer.Customer c -> {
                if (groups.contains(CostGroup.CUSTOMER)) {
                    throw new RebillException(ErrorCode.BAD_ARGUMENT, "group_by 'customer' is for the MSP only; a"
                            + " customer account's figures are its own");
                }
                yield false;
            }
        };
    }

    /** The periods the viewer has figures for, newest first. */
    public List<BillingPeriod> periods(CostViewer viewer) {
        var statement = switch (viewer) {
            case CostViewer.Msp m -> jdbc.sql(SQL.get("msp-periods")).param("msp", m.msp());
            case CostViewer.Customer c -> jdbc.sql(SQL.get("customer-periods")).param("msp", c.msp())
                    .param("customer", c.account());
        };
        return statement.query(String.class).list().stream().map(BillingPeriod::parse).toList();
    }
}

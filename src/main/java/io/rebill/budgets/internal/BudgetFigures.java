package io.rebill.budgets.internal;

import io.rebill.budgets.Budget;
import io.rebill.budgets.BudgetStatus;
import io.rebill.budgets.Dimension;
import io.rebill.budgets.Measure;
import io.rebill.costs.CostViewer;
import io.rebill.costs.FineCosts;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.money.Forecast;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A budget's figures in a month, from the daily aggregates of the latest run (set-based: one grouped statement per
 * budget, a row per day and kind): the rollup in PostgreSQL, or, for a budget narrowed by category, charge type,
 * region or account, the run's fine daily file read with DuckDB ({@link FineCosts}). A customer's budget reads its own usage, charge and credit rows' charge; the
 * MSP's reads every customer's charge, or its cost of every line (excluded and unassigned ones too). The forecast is
 * the home pages' method ({@link Forecast}): usage-like rows extrapolated, charges and credits added once.
 */
public final class BudgetFigures {
    static final SqlStatements SQL = SqlStatements.load(BudgetFigures.class, "/io/rebill/budgets/budgets.sql");
    private static final String CUSTOMER_SCOPE = "AND d.customer_account_id = :customer";
    private final JdbcClient jdbc;
    private final FineCosts fine;

    public BudgetFigures(JdbcClient jdbc, FineCosts fine) {
        this.jdbc = jdbc;
        this.fine = fine;
    }

    record DayKind(LocalDate day, String kind, BigDecimal amount, String currency, long currencies) {
    }

    /** The budget (of an account of {@code msp}; {@code customerAccount} when the budget is a customer's) in {@code period}. */
    public BudgetStatus status(Budget budget, UUID msp, boolean mspBudget, BillingPeriod period, LocalDate today,
                               List<BudgetStatus.FiredAlert> fired) {
        boolean cost = budget.measure() == Measure.COST;
        String kinds = cost ? "'usage', 'excluded', 'unassigned', 'charge', 'credit'" : "'usage', 'charge', 'credit'";
        List<DayKind> rows = new ArrayList<>();
        if (budget.filter().needsFineRows()) {
            // narrowed by category, charge type, region or account: the run's fine daily file, read with DuckDB
            CostViewer viewer = mspBudget ? new CostViewer.Msp(msp) : new CostViewer.Customer(msp, budget.accountId());
            StringBuilder where = new StringBuilder();
            List<Object> params = new ArrayList<>();
            budget.filter().values().forEach((dimension, values) -> {
                where.append(" AND ").append(fineColumn(dimension)).append(" IN (")
                        .append(String.join(", ", java.util.Collections.nCopies(values.size(), "?"))).append(")");
                params.addAll(values);
            });
            fine.query(viewer, period, period, FineCosts.Table.DAILY, SQL.get("fine-budget-days")
                    .replace("{measure}", cost ? "cost" : "charge").replace("{kinds}", kinds)
                    .replace("{filters}", where.toString()), params, rs -> rows.add(new DayKind(
                    LocalDate.parse(rs.getString("day")), rs.getString("kind"), rs.getBigDecimal("amount"),
                    rs.getString("currency"), rs.getLong("currencies"))));
        } else {
            String sql = SQL.get("budget-days")
                    .replace("{table}", "cost_daily_service")
                    .replace("{measure}", cost ? "cost" : "charge")
                    .replace("{scope}", mspBudget ? "" : CUSTOMER_SCOPE)
                    .replace("{kinds}", kinds)
                    .replace("{fine}", "");
            var statement = jdbc.sql(sql).param("msp", msp).param("period", period.toString())
                    .param("filters", BudgetRows.filtersJson(budget.filter()));
            if (!mspBudget) {
                statement = statement.param("customer", budget.accountId());
            }
            rows.addAll(statement.query((rs, i) -> new DayKind(rs.getObject("day", LocalDate.class),
                    rs.getString("kind"), rs.getBigDecimal("amount"), rs.getString("currency"),
                    rs.getLong("currencies"))).list());
        }
        Map<LocalDate, BigDecimal> usageByDay = new TreeMap<>();
        BigDecimal added = BigDecimal.ZERO;
        for (DayKind r : rows) {
            if (r.currencies() > 1 || !r.currency().equals(budget.currency())) {
                throw new RebillException(ErrorCode.BAD_VALUE, "budget '" + budget.name() + "' is in "
                        + budget.currency() + " but the figures of " + period + " are in " + r.currency());
            }
            switch (r.kind()) {
                case "charge", "credit" -> added = added.add(r.amount());
                default -> usageByDay.merge(r.day(), r.amount(), BigDecimal::add);
            }
        }
        Forecast forecast = new Forecast(period.month(), usageByDay, added, today);
        BigDecimal monthToDate = usageByDay.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add).add(added);
        return new BudgetStatus(budget, period, plain(monthToDate), forecast.value().map(BudgetFigures::plain),
                forecast.complete(), fired);
    }

    /** The fine file's column of a dimension (a constant; the values are bound). */
    private static String fineColumn(Dimension dimension) {
        return switch (dimension) {
            case SERVICE -> "d.service";
            case SERVICE_CATEGORY -> "d.service_category";
            case CHARGE_TYPE -> "d.charge_type";
            case REGION -> "d.region";
            case SUB_ACCOUNT_ID -> "d.sub_account_id";
            case CUSTOMER -> "a.account_id";
        };
    }

    /** The same number without the trailing zeros the aggregates' scale adds (244.205150000 -> 244.20515). */
    static BigDecimal plain(BigDecimal amount) {
        BigDecimal stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}

package io.rebill.budgets;

import io.rebill.budgets.internal.AccountScope;
import io.rebill.budgets.internal.BudgetFigures;
import io.rebill.budgets.internal.BudgetRows;
import io.rebill.costs.DailyCosts;
import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.sql.Types;
import java.time.Clock;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The budgets feature's facade (issue 12 item 5): monthly budgets of an account (MSP or customer), each with its
 * month to date, forecast and % used read from the daily aggregates bill runs write (never the line items), and the
 * alerts its users set. Every read and change is scoped by the account the actor acts in; an id of another account
 * answers like one that does not exist.
 */
public final class Budgets {
    private static final SqlStatements SQL = SqlStatements.load(Budgets.class, "/io/rebill/budgets/budgets.sql");
    private final JdbcClient jdbc;
    private final DailyCosts costs;
    private final AuditLog audit;
    private final BudgetFigures figures;
    private final Clock clock;
    private final Alerts alerts;

    public Budgets(JdbcClient jdbc, DailyCosts costs, AuditLog audit, Clock clock, Alerts alerts) {
        this.alerts = alerts;
        this.jdbc = jdbc;
        this.costs = costs;
        this.audit = audit;
        this.figures = new BudgetFigures(jdbc, costs.fine());
        this.clock = clock;
    }

    /** The periods the account has figures for, newest first. */
    public List<BillingPeriod> periods(Actor actor) {
        AccountScope.reading(actor);
        return costs.periods(DailyCosts.viewerOf(actor));
    }

    /** Every budget of the account in {@code period} (absent: the latest period with figures, else this month). */
    public List<BudgetStatus> list(Actor actor, Optional<BillingPeriod> period) {
        AccountScope scope = AccountScope.reading(actor);
        BillingPeriod p = period.orElseGet(() -> latest(actor));
        List<Budget> budgets = jdbc.sql(SQL.get("budgets")).param("account", scope.account())
                .query(BudgetRows::budget).list();
        List<Fired> fired = fired(scope.account(), p);
        return budgets.stream().map(b -> status(scope, b, p, fired)).toList();
    }

    public BudgetStatus get(Actor actor, UUID id, Optional<BillingPeriod> period) {
        AccountScope scope = AccountScope.reading(actor);
        Budget budget = find(scope, id);
        BillingPeriod p = period.orElseGet(() -> latest(actor));
        return status(scope, budget, p, fired(scope.account(), p));
    }

    public Budget create(Actor actor, NewBudget request) {
        AccountScope scope = AccountScope.changing(actor);
        Measure measure = request.measure().orElse(Measure.CHARGE);
        check(scope, request, measure);
        UUID id = UUID.randomUUID();
        try {
            jdbc.sql(SQL.get("insert-budget")).param("id", id).param("account", scope.account())
                    .param("msp", scope.msp()).param("name", request.name()).param("amount", request.amount())
                    .param("currency", actor.account().currency()).param("measure", measure.key())
                    .param("filters", BudgetRows.filtersJson(request.filter()))
                    .param("alerts", BudgetRows.alertsJson(request.alerts()))
                    .param("channels", BudgetRows.recipientsJson(request.recipients()), Types.VARCHAR)
                    .param("createdBy", actor.createdBy()).update();
        } catch (DuplicateKeyException e) {
            throw duplicate(request);
        }
        audit.record(actor, "budget.create", id.toString(), Map.of("name", request.name(), "amount",
                request.amount().toPlainString(), "currency", actor.account().currency(), "account",
                actor.account().name()));
        return find(scope, id);
    }

    /**
     * Changes everything a user set: name, amount, measure (absent: kept), filter, alerts and recipients; Created By
     * stays. Then the budget is evaluated at once against the figures of the latest month with figures: alerts fired
     * this month at the same amount do not fire again; at a new amount the thresholds have new levels, and one that
     * the month already reaches (an amount lowered below the month to date) fires now, once, as a bill run would.
     */
    public Budget update(Actor actor, UUID id, NewBudget request) {
        AccountScope scope = AccountScope.changing(actor);
        Budget before = find(scope, id);
        Measure measure = request.measure().orElse(before.measure());
        check(scope, request, measure);
        try {
            jdbc.sql(SQL.get("update-budget")).param("account", scope.account()).param("id", id)
                    .param("name", request.name()).param("amount", request.amount()).param("measure", measure.key())
                    .param("filters", BudgetRows.filtersJson(request.filter()))
                    .param("alerts", BudgetRows.alertsJson(request.alerts()))
                    .param("channels", BudgetRows.recipientsJson(request.recipients()), Types.VARCHAR).update();
        } catch (DuplicateKeyException e) {
            throw duplicate(request);
        }
        Budget after = find(scope, id);
        List<String> changed = new java.util.ArrayList<>();
        if (!before.name().equals(after.name())) {
            changed.add("name");
        }
        if (before.amount().compareTo(after.amount()) != 0) {
            changed.add("amount");
        }
        if (before.measure() != after.measure()) {
            changed.add("measure");
        }
        if (!before.filter().byKey().equals(after.filter().byKey())) {
            changed.add("filter");
        }
        if (!before.alerts().equals(after.alerts())) {
            changed.add("alerts");
        }
        if (!before.recipients().equals(after.recipients())) {
            changed.add("recipients");
        }
        audit.record(actor, "budget.update", id.toString(), Map.of("name", after.name(), "was", before.name(),
                "amount", after.amount().toPlainString(), "was_amount", before.amount().toPlainString(),
                "currency", after.currency(), "account", actor.account().name(), "changed", changed));
        alerts.afterEdit(scope.msp(), after, latest(actor));
        return after;
    }

    private void check(AccountScope scope, NewBudget request, Measure measure) {
        if (!scope.mspAccount() && measure == Measure.COST) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "measure 'cost' is for the MSP only; a customer"
                    + " account's budgets count its charge");
        }
        if (!scope.mspAccount() && request.filter().dimensions().contains(Dimension.CUSTOMER)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "filters.customer is for the MSP only; a customer"
                    + " account's budgets count its own figures");
        }
        if (request.filter().dimensions().contains(Dimension.CUSTOMER)) {
            for (String id : request.filter().values().get(Dimension.CUSTOMER)) {
                requireManagedCustomer(scope.msp(), id);
            }
        }
        for (UUID channel : request.recipients()) {
            if (jdbc.sql(SQL.get("account-channel")).param("account", scope.account()).param("id", channel)
                    .query(Long.class).single() == 0) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "recipients: no notification channel " + channel
                        + " in this account; list them with GET /api/v1/notification_channels");
            }
        }
    }

    private static RebillException duplicate(NewBudget request) {
        return new RebillException(ErrorCode.DUPLICATE, "this account already has a budget named '"
                + request.name() + "'");
    }

    public void delete(Actor actor, UUID id) {
        AccountScope scope = AccountScope.changing(actor);
        Budget budget = find(scope, id);
        jdbc.sql(SQL.get("delete-budget")).param("account", scope.account()).param("id", id).update();
        audit.record(actor, "budget.delete", id.toString(), Map.of("name", budget.name(), "account",
                actor.account().name()));
    }

    private Budget find(AccountScope scope, UUID id) {
        return jdbc.sql(SQL.get("budget")).param("account", scope.account()).param("id", id).query(BudgetRows::budget)
                .optional().orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no budget " + id));
    }

    private void requireManagedCustomer(UUID msp, String id) {
        boolean managed;
        try {
            managed = jdbc.sql(SQL.get("managed-customer")).param("id", UUID.fromString(id)).param("msp", msp)
                    .query(Long.class).single() > 0;
        } catch (IllegalArgumentException e) {
            managed = false;
        }
        if (!managed) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "filters.customer: no managed account " + id);
        }
    }

    private BillingPeriod latest(Actor actor) {
        return costs.periods(DailyCosts.viewerOf(actor)).stream().findFirst()
                .orElseGet(() -> new BillingPeriod(YearMonth.now(clock)));
    }

    private LocalDate today() {
        return LocalDate.now(clock);
    }

    record Fired(UUID budget, BudgetStatus.FiredAlert alert) {
    }

    private List<Fired> fired(UUID account, BillingPeriod period) {
        return jdbc.sql(SQL.get("fired-alerts")).param("account", account).param("period", period.toString())
                .query((rs, i) -> new Fired(rs.getObject("budget_id", UUID.class), new BudgetStatus.FiredAlert(
                        new AlertThreshold(AlertThreshold.Basis.parse(rs.getString("basis")),
                                rs.getBigDecimal("percent")), rs.getBigDecimal("figure"),
                        rs.getTimestamp("fired_at").toInstant()))).list();
    }

    private BudgetStatus status(AccountScope scope, Budget budget, BillingPeriod period, List<Fired> fired) {
        return figures.status(budget, scope.msp(), scope.mspAccount(), period, today(),
                fired.stream().filter(f -> f.budget().equals(budget.id())).map(Fired::alert).toList());
    }

    /** Compared figures of one budget, for the alerts: the month's figure against each threshold's level. */
    static boolean reached(AlertThreshold t, BudgetStatus s) {
        BigDecimal level = t.level(s.budget().amount());
        return switch (t.basis()) {
            case ACTUAL -> s.monthToDate().compareTo(level) >= 0;
            case FORECAST -> s.forecast().filter(f -> f.compareTo(level) >= 0).isPresent();
        };
    }
}

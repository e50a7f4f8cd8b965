package io.rebill.budgets;

import io.rebill.budgets.internal.BudgetFigures;
import io.rebill.budgets.internal.BudgetRows;
import io.rebill.shared.money.DisplayAmounts;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What happens after each successful bill run of an MSP (issue 12 item 5): every budget of the MSP and of its
 * customer accounts is compared with its alerts for the run's month, and each alert that is reached fires once per
 * budget, threshold and month (a re-run notifies nobody again); then each account's services are checked for daily
 * figures that left their trailing baseline (docs/budgets.md). What fires is recorded with its deliveries in one
 * transaction, and the deliveries are sent by the notification worker. Runs on its own thread, after the run.
 */
public final class Alerts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);
    private static final SqlStatements SQL = SqlStatements.load(Alerts.class, "/io/rebill/budgets/budgets.sql");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    /** The anomaly method's settings: see docs/budgets.md. */
    public record AnomalyMethod(BigDecimal sigmas, BigDecimal minChange, BigDecimal minRelative, int minActiveDays,
                                int windowDays) {
        public AnomalyMethod {
            if (windowDays < 7 || windowDays > 28) {
                throw new IllegalArgumentException("rebill.anomalies.window-days must be 7 to 28 (the baseline reads"
                        + " the month before), not " + windowDays);
            }
            if (minActiveDays < 1 || minActiveDays > windowDays) {
                throw new IllegalArgumentException("rebill.anomalies.min-active-days must be 1 to window-days ("
                        + windowDays + "), not " + minActiveDays);
            }
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final BudgetFigures figures;
    private final Notifications notifications;
    private final AnomalyMethod method;
    private final Clock clock;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("budget-alerts").factory());

    public Alerts(JdbcClient jdbc, TransactionTemplate tx, Notifications notifications, AnomalyMethod method,
                  Clock clock, io.rebill.costs.FineCosts fine) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.figures = new BudgetFigures(jdbc, fine);
        this.notifications = notifications;
        this.method = method;
        this.clock = clock;
    }

    /** Evaluates the MSP's budgets and anomalies of the period on this feature's own thread. */
    public void afterRun(UUID msp, BillingPeriod period) {
        executor.execute(() -> {
            try {
                evaluate(msp, period);
            } catch (RuntimeException e) {
                log.error("Evaluating budgets and anomalies of {} after its bill run failed", period, e);
            }
        });
    }

    /**
     * At start: evaluates every MSP's periods of the last three months once (runs that finished while no listener
     * was registered, e.g. the bill runs of the start-up bootstrap or before a crash, are caught up; what fired
     * before fires not again).
     */
    public void catchUp() {
        String since = new BillingPeriod(java.time.YearMonth.now(clock).minusMonths(3)).toString();
        executor.execute(() -> {
            try {
                record MspPeriod(UUID msp, String period) {
                }
                jdbc.sql(SQL.get("periods-since")).param("since", since)
                        .query((rs, i) -> new MspPeriod(rs.getObject("msp_id", UUID.class), rs.getString("period")))
                        .list().forEach(p -> evaluate(p.msp(), BillingPeriod.parse(p.period())));
            } catch (RuntimeException e) {
                log.error("Catching up on budgets and anomalies failed", e);
            }
        });
    }

    /** What {@link #afterRun} does, on the caller's thread: the number of alerts and anomalies that fired. */
    public int evaluate(UUID msp, BillingPeriod period) {
        LocalDate today = LocalDate.now(clock);
        int fired = 0;
        List<Budget> budgets = jdbc.sql(SQL.get("budgets-of-msp")).param("msp", msp).query(BudgetRows::budget).list();
        for (Budget budget : budgets) {
            fired += evaluate(budget, msp, period, today);
        }
        Map<UUID, Integer> anomalies = anomalies(msp, period, today);
        int found = anomalies.values().stream().mapToInt(Integer::intValue).sum();
        log.info("Budgets of {} after its bill run: {} budgets, {} alerts fired, {} new anomalies in {} accounts",
                period, budgets.size(), fired, found, anomalies.size());
        notifications.wake();
        return fired + found;
    }

    /**
     * One budget right after an edit (its new amount, alerts or filter), against the current figures of
     * {@code period}, with the rule the runs use: an alert fires once per budget, threshold, month and amount, so
     * the run after the edit sends nothing again. Runs on the caller's thread (one budget's figures); the deliveries
     * are sent by the notification worker, woken here.
     */
    public int afterEdit(UUID msp, Budget budget, BillingPeriod period) {
        int fired;
        try {
            fired = evaluate(budget, msp, period, LocalDate.now(clock));
        } catch (RuntimeException e) {
            // the edit is saved; the next bill run's (or start's) evaluation fires what this one could not
            log.warn("Budget {} not evaluated after its edit; the next bill run will", budget.id(), e);
            return 0;
        }
        if (fired > 0) {
            notifications.wake();
        }
        return fired;
    }

    private int evaluate(Budget budget, UUID msp, BillingPeriod period, LocalDate today) {
        BudgetStatus status;
        try {
            status = figures.status(budget, msp, budget.accountId().equals(msp), period, today, List.of());
        } catch (io.rebill.shared.errors.RebillException e) {
            log.info("Budget {} not evaluated: {}", budget.id(), e.getMessage());
            return 0;
        }
        int fired = 0;
        for (AlertThreshold t : budget.alerts()) {
            if (Budgets.reached(t, status)) {
                fired += fire(status, t, period);
            }
        }
        return fired;
    }

    private int fire(BudgetStatus s, AlertThreshold t, BillingPeriod period) {
        Budget b = s.budget();
        BigDecimal figure = t.basis() == AlertThreshold.Basis.ACTUAL ? s.monthToDate() : s.forecast().orElseThrow();
        Integer n = tx.execute(x -> {
            boolean first = !jdbc.sql(SQL.get("fire-alert")).param("account", b.accountId()).param("budget", b.id())
                    .param("period", period.toString()).param("basis", t.basis().key()).param("percent", t.percent())
                    .param("amount", b.amount()).param("figure", figure).query(UUID.class).list().isEmpty();
            if (first) {
                String month = period.month().getMonth().getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH)
                        + " " + period.month().getYear();
                String what = t.basis() == AlertThreshold.Basis.ACTUAL ? "Spend so far" : "The forecast for the month";
                String subject = "Budget " + b.name() + ": " + t.label() + " reached in " + month;
                String body = what + " is " + DisplayAmounts.display(figure, b.currency()) + ", "
                        + s.percentUsed().toPlainString() + " % of the budget of "
                        + DisplayAmounts.display(b.amount(), b.currency()) + " (month to date "
                        + DisplayAmounts.display(s.monthToDate(), b.currency())
                        + s.forecast().map(f -> ", forecast " + DisplayAmounts.display(f, b.currency())).orElse("")
                        + ").";
                jdbc.sql(SQL.get("enqueue-budget-alert")).param("account", b.accountId()).param("subject", subject)
                        .param("body", body).param("channels", BudgetRows.recipientsJson(b.recipients()),
                                java.sql.Types.VARCHAR).update();
            }
            return first ? 1 : 0;
        });
        return n == null ? 0 : n;
    }

    /** The new anomalies of the period per account. */
    private Map<UUID, Integer> anomalies(UUID msp, BillingPeriod period, LocalDate today) {
        LocalDate start = period.month().atDay(1);
        LocalDate end = period.month().atEndOfMonth();
        Optional<LocalDate> latest = jdbc.sql(SQL.get("latest-usage-day")).param("msp", msp)
                .param("period", period.toString()).query(LocalDate.class).optional();
        if (latest.isEmpty()) {
            return Map.of();
        }
        // the latest day may still be filling unless the month is over (as the forecast counts complete days)
        LocalDate lastComplete = today.isAfter(end) ? end : latest.get().minusDays(1);
        if (lastComplete.isBefore(start)) {
            return Map.of();
        }
        record Found(UUID account, Anomaly anomaly) {
        }
        Map<UUID, Integer> perAccount = tx.execute(x -> {
            List<Found> rows = jdbc.sql(SQL.get("detect-anomalies")).param("msp", msp).param("period", period.toString())
                    .param("previous", new BillingPeriod(period.month().minusMonths(1)).toString())
                    .param("from", start.minusDays(method.windowDays())).param("lastComplete", lastComplete)
                    .param("periodStart", start).param("window", method.windowDays())
                    .param("minActive", method.minActiveDays()).param("minChange", method.minChange())
                    .param("minRelative", method.minRelative()).param("sigmas", method.sigmas())
                    .query((rs, i) -> new Found(rs.getObject("account_id", UUID.class), new Anomaly(
                            rs.getString("service"), rs.getObject("day", LocalDate.class), rs.getString("currency"),
                            rs.getBigDecimal("amount"), rs.getBigDecimal("baseline"), rs.getBigDecimal("deviation"))))
                    .list();
            Map<UUID, List<Anomaly>> byAccount = new LinkedHashMap<>();
            rows.stream().sorted(java.util.Comparator.comparing((Found f) -> f.anomaly().day())
                            .thenComparing(f -> f.anomaly().service()))
                    .forEach(f -> byAccount.computeIfAbsent(f.account(), a -> new ArrayList<>()).add(f.anomaly()));
            byAccount.forEach((account, list) -> jdbc.sql(SQL.get("enqueue-anomaly-alert")).param("account", account)
                    .param("subject", list.size() == 1 ? "Cost anomaly: " + list.getFirst().service()
                            : list.size() + " cost anomalies")
                    .param("body", String.join("\n", list.stream().map(Alerts::sentence).toList())).update());
            Map<UUID, Integer> counts = new LinkedHashMap<>();
            byAccount.forEach((account, list) -> counts.put(account, list.size()));
            return counts;
        });
        return perAccount == null ? Map.of() : perAccount;
    }

    static String sentence(Anomaly a) {
        String day = a.service() + " on " + DAY.format(a.day()) + ": " + DisplayAmounts.display(a.amount(),
                a.currency());
        if (a.baseline().signum() == 0 && a.deviation().signum() == 0) {
            return day + ", a new service (nothing in the weeks before).";
        }
        return day + " against a usual " + DisplayAmounts.display(a.baseline(), a.currency()) + " a day ("
                + (a.change().signum() > 0 ? "+" : "") + DisplayAmounts.display(a.change()) + ").";
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

package io.rebill.costs;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of a saved report's figures (issue 12 item 2): one GROUP BY over the daily aggregates a bill run wrote,
 * never over line items. A report by service and customer only reads the rollup in PostgreSQL; one that uses a tag
 * or virtual tag reads the runs' tag aggregate files, any other the runs' fine daily files, with DuckDB
 * ({@link FineCosts}). Every piece of SQL put together here is a constant of this class or of
 * {@link ReportDimension.Kind}; every value from the report is a bound parameter.
 */
final class ReportQuery {
    private final JdbcClient jdbc;
    private final FineCosts fine;
    private final OwnIntegrationDays own;
    private final String template;
    private final String fineTemplate;
    /** The rollup report-figures reads; a report by customer only reads its sums over services instead. */
    private static final String SERVICE_ROLLUP = "FROM cost_daily_service d";

    ReportQuery(JdbcClient jdbc, FineCosts fine, OwnIntegrationDays own, SqlStatements sql) {
        this.jdbc = jdbc;
        this.fine = fine;
        this.own = own;
        this.template = sql.get("report-figures");
        if (!template.contains(SERVICE_ROLLUP)) {
            throw new IllegalStateException("reports.sql's report-figures no longer reads '" + SERVICE_ROLLUP
                    + "': update ReportQuery's table choice");
        }
        this.fineTemplate = sql.get("fine-report-figures");
    }

    /**
     * Figures of {@code report} for the viewer over the window and the window before; {@code billedBy} names what the
     * MSP bills in the Source dimension ("Billed by Cloud Partner").
     */
    ReportData run(CostViewer viewer, ReportDefinition report, ReportDefinition.Window window,
                   ReportDefinition.Window previous, List<String> groupLabels, String billedBy) {
        Map<List<String>, Map<LocalDate, BigDecimal>> now = new LinkedHashMap<>();
        Map<List<String>, BigDecimal> totals = new HashMap<>();
        Map<List<String>, BigDecimal> before = new HashMap<>();
        java.util.SortedSet<String> currencies = new java.util.TreeSet<>();
        List<BillingPeriod> withoutTag = query(viewer, report, window, true, billedBy, (bucket, keys, cur, amount) -> {
            now.computeIfAbsent(keys, k -> new HashMap<>()).merge(bucket, amount, BigDecimal::add);
            totals.merge(keys, amount, BigDecimal::add);
            currencies.add(cur);
        });
        query(viewer, report, previous, false, billedBy, (bucket, keys, cur, amount) -> {
            before.merge(keys, amount, BigDecimal::add);
            currencies.add(cur);
        });
        if (currencies.size() > 1) {
            // the MSP's figures are in its currency; an own integration's are in the currency its provider bills
            throw new RebillException(ErrorCode.BAD_VALUE, "the figures from " + previous.from() + " to " + window.to()
                    + " are in several currencies (" + String.join(", ", currencies) + "): your own integrations'"
                    + " costs are in the currency their provider bills; filter the report by source, or leave out"
                    + " your own integrations");
        }
        String[] currency = {currencies.isEmpty() ? null : currencies.first()};
        List<LocalDate> buckets = buckets(report.granularity(), window);
        List<ReportData.Row> rows = new ArrayList<>();
        for (Map.Entry<List<String>, Map<LocalDate, BigDecimal>> e : now.entrySet()) {
            rows.add(new ReportData.Row(e.getKey(), buckets.stream()
                    .map(b -> e.getValue().getOrDefault(b, BigDecimal.ZERO)).toList(), totals.get(e.getKey()),
                    before.getOrDefault(e.getKey(), BigDecimal.ZERO)));
        }
        // groups seen only in the window before still show what they were (now zero)
        before.forEach((keys, amount) -> {
            if (!now.containsKey(keys)) {
                rows.add(new ReportData.Row(keys, buckets.stream().map(b -> BigDecimal.ZERO).toList(), BigDecimal.ZERO,
                        amount));
            }
        });
        rows.sort((a, b) -> b.total().abs().compareTo(a.total().abs()) != 0 ? b.total().abs().compareTo(a.total().abs())
                : String.valueOf(a.keys()).compareTo(String.valueOf(b.keys())));
        BigDecimal total = rows.stream().map(ReportData.Row::total).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal previousTotal = rows.stream().map(ReportData.Row::previous).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new ReportData(window, previous, report.measure(), report.groupBy(), groupLabels, buckets, rows,
                Optional.ofNullable(currency[0]), total, previousTotal, withoutTag);
    }

    interface Sink {
        void accept(LocalDate bucket, List<String> keys, String currency, BigDecimal amount);
    }

    /**
     * The re-billed figures (unless a filter on source leaves them out), then the own integrations' if asked; answers
     * the periods read without the report's tag (none for a report without one).
     */
    private List<BillingPeriod> query(CostViewer viewer, ReportDefinition report, ReportDefinition.Window window, boolean bucketed,
                       String billedBy, Sink sink) {
        List<ReportDimension> groups = report.groupBy();
        List<BillingPeriod> withoutTag = List.of();
        if (OwnIntegrationRows.passes(report.filters(), ReportDimension.Kind.SOURCE, billedBy)) {
            withoutTag = rebilled(viewer, report, window, bucketed, (bucket, keys, currency, amount) -> {
                List<String> named = new ArrayList<>(keys);
                for (int k = 0; k < groups.size(); k++) {
                    if (groups.get(k).kind() == ReportDimension.Kind.SOURCE) {
                        named.set(k, billedBy);
                    }
                }
                sink.accept(bucket, named, currency, amount);
            });
        }
        if (report.ownIntegrations() && viewer instanceof CostViewer.Customer c) {
            OwnIntegrationRows.add(own, c.account(), report, window, bucketed, sink);
        }
        return withoutTag;
    }

    private List<BillingPeriod> rebilled(CostViewer viewer, ReportDefinition report, ReportDefinition.Window window,
                                         boolean bucketed, Sink sink) {
        List<ReportDimension> groups = report.groupBy();
        Optional<ReportDimension> tag = report.tag();
        // the source is not a column: a filter on it chose above whether these figures are read at all
        List<ReportDefinition.Filter> filters = report.filters().stream()
                .filter(f -> f.dimension().kind() != ReportDimension.Kind.SOURCE).toList();
        boolean rollup = tag.isEmpty() && java.util.stream.Stream.concat(groups.stream(),
                        filters.stream().map(ReportDefinition.Filter::dimension))
                .allMatch(d -> d.kind() == ReportDimension.Kind.SERVICE || d.kind() == ReportDimension.Kind.CUSTOMER
                        || d.kind() == ReportDimension.Kind.SOURCE);
        String measure = switch (report.measure()) {
            case CHARGE -> "d.charge";
            case COST -> "d.cost";
            case MARGIN -> "d.charge - d.cost";
        };
        String bucket = !bucketed ? "CAST(NULL AS date)" : switch (report.granularity()) {
            case DAY -> "d.day";
            case WEEK -> "CAST(date_trunc('week', d.day) AS date)";
            case MONTH -> "CAST(date_trunc('month', d.day) AS date)";
        };
        // grouped and filtered by customer only (or not at all): the rollup by customer, day and kind, 32x smaller
        boolean byCustomer = rollup && java.util.stream.Stream.concat(groups.stream(),
                        filters.stream().map(ReportDefinition.Filter::dimension))
                .allMatch(d -> d.kind() == ReportDimension.Kind.CUSTOMER || d.kind() == ReportDimension.Kind.SOURCE);
        String sql = (!rollup ? fineTemplate : byCustomer
                ? template.replace(SERVICE_ROLLUP, "FROM cost_daily_customer d") : template).replace("{bucket}", bucket)
                .replace("{k1}", groups.isEmpty() ? "CAST(NULL AS text)" : groups.get(0).kind().column())
                .replace("{k2}", groups.size() < 2 ? "CAST(NULL AS text)" : groups.get(1).kind().column())
                .replace("{measure}", measure);
        FineCosts.Rows rows = rs -> {
            if (rs.getLong("currencies") > 1) {
                throw new RebillException(ErrorCode.BAD_VALUE, "the figures from " + window.from() + " to "
                        + window.to() + " are in several currencies; filter the report to one customer");
            }
            List<String> keys = new ArrayList<>();
            for (int k = 0; k < groups.size(); k++) {
                keys.add(rs.getString(k == 0 ? "k1" : "k2"));
            }
            String day = rs.getString("bucket");
            sink.accept(day == null ? null : LocalDate.parse(day.substring(0, 10)), keys, rs.getString("currency"),
                    rs.getBigDecimal("amount"));
        };
        BillingPeriod from = new BillingPeriod(java.time.YearMonth.from(window.from()));
        BillingPeriod to = new BillingPeriod(java.time.YearMonth.from(window.to()));
        if (!rollup) {
            StringBuilder scope = new StringBuilder();
            List<Object> params = new ArrayList<>(List.of(window.from(), window.to()));
            for (ReportDefinition.Filter f : filters) {
                String column = f.dimension().kind().column();
                String list = String.join(", ", java.util.Collections.nCopies(f.values().size(), "?"));
                scope.append(f.exclude() ? " AND (" + column + " IS NULL OR " + column + " NOT IN (" + list + "))"
                        : " AND " + column + " IN (" + list + ")");
                params.addAll(f.values());
            }
            String fineSql = sql.replace("{scope}", scope.toString());
            if (tag.isPresent()) {
                // the tag's rows, or a period's daily rows without a value where its runs kept no rows of the key
                return fine.queryTag(viewer, from, to, tag.get().kind() == ReportDimension.Kind.TAG ? "tag" : "virtual",
                        tag.get().key(), fineSql, params, rows);
            }
            fine.query(viewer, from, to, FineCosts.Table.DAILY, fineSql, params, rows);
            return List.of();
        }
        StringBuilder scope = new StringBuilder();
        Map<String, Object> params = new HashMap<>();
        params.put("msp", viewer.msp());
        params.put("pfrom", from.toString());
        params.put("pto", to.toString());
        params.put("from", window.from());
        params.put("to", window.to());
        if (viewer instanceof CostViewer.Customer c) {
            scope.append(" AND d.customer_account_id = :customer AND d.kind IN ('usage', 'charge', 'credit')");
            params.put("customer", c.account());
        }
        int i = 0;
        for (ReportDefinition.Filter f : filters) {
            String p = "f" + i++;
            String column = f.dimension().kind().column();
            scope.append(f.exclude() ? " AND (" + column + " IS NULL OR " + column + " NOT IN (:" + p + "))"
                    : " AND " + column + " IN (:" + p + ")");
            params.put(p, f.values());
        }
        var statement = jdbc.sql(sql.replace("{scope}", scope.toString()));
        for (Map.Entry<String, Object> p : params.entrySet()) {
            statement = statement.param(p.getKey(), p.getValue());
        }
        statement.query(rs -> {
            rows.row(rs);
        });
        return List.of();
    }

    /** The first day of every bucket of the window (a week starts on Monday, ISO 8601, as date_trunc does). */
    static List<LocalDate> buckets(ReportDefinition.Granularity granularity, ReportDefinition.Window window) {
        LocalDate first = switch (granularity) {
            case DAY -> window.from();
            case WEEK -> window.from().with(java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
            case MONTH -> window.from().withDayOfMonth(1);
        };
        List<LocalDate> buckets = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(window.to()); ) {
            buckets.add(d);
            d = switch (granularity) {
                case DAY -> d.plusDays(1);
                case WEEK -> d.plusWeeks(1);
                case MONTH -> d.plusMonths(1);
            };
        }
        return buckets;
    }
}

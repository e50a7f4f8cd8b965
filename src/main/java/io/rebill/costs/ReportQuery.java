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
 * never over line items. The table is the rollup by customer, day and service when the report needs no more, the
 * tag aggregate when it uses a tag or virtual tag, else the fine daily table. Every piece of SQL put together here
 * is a constant of this class or of {@link ReportDimension.Kind}; every value from the report is a bound parameter.
 */
final class ReportQuery {
    private final JdbcClient jdbc;
    private final String template;

    ReportQuery(JdbcClient jdbc, SqlStatements sql) {
        this.jdbc = jdbc;
        this.template = sql.get("report-figures");
    }

    /** Figures of {@code report} for the viewer over the window and the window before. */
    ReportData run(CostViewer viewer, ReportDefinition report, ReportDefinition.Window window,
                   ReportDefinition.Window previous, List<String> groupLabels) {
        Map<List<String>, Map<LocalDate, BigDecimal>> now = new LinkedHashMap<>();
        Map<List<String>, BigDecimal> totals = new HashMap<>();
        Map<List<String>, BigDecimal> before = new HashMap<>();
        String[] currency = {null};
        query(viewer, report, window, true, (bucket, keys, cur, amount) -> {
            now.computeIfAbsent(keys, k -> new HashMap<>()).merge(bucket, amount, BigDecimal::add);
            totals.merge(keys, amount, BigDecimal::add);
            currency[0] = cur;
        });
        query(viewer, report, previous, false, (bucket, keys, cur, amount) -> {
            before.merge(keys, amount, BigDecimal::add);
            currency[0] = currency[0] == null ? cur : currency[0];
        });
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
                Optional.ofNullable(currency[0]), total, previousTotal);
    }

    private interface Sink {
        void accept(LocalDate bucket, List<String> keys, String currency, BigDecimal amount);
    }

    private void query(CostViewer viewer, ReportDefinition report, ReportDefinition.Window window, boolean bucketed,
                       Sink sink) {
        List<ReportDimension> groups = report.groupBy();
        Optional<ReportDimension> tag = report.tag();
        boolean rollup = tag.isEmpty() && java.util.stream.Stream.concat(groups.stream(),
                        report.filters().stream().map(ReportDefinition.Filter::dimension))
                .allMatch(d -> d.kind() == ReportDimension.Kind.SERVICE || d.kind() == ReportDimension.Kind.CUSTOMER);
        String table = tag.isPresent() ? "cost_daily_tag" : rollup ? "cost_daily_service" : "cost_daily";
        StringBuilder scope = new StringBuilder();
        Map<String, Object> params = new HashMap<>();
        params.put("msp", viewer.msp());
        params.put("pfrom", new BillingPeriod(java.time.YearMonth.from(window.from())).toString());
        params.put("pto", new BillingPeriod(java.time.YearMonth.from(window.to())).toString());
        params.put("from", window.from());
        params.put("to", window.to());
        if (viewer instanceof CostViewer.Customer c) {
            scope.append(" AND d.customer_account_id = :customer AND d.kind IN ('usage', 'charge', 'credit')");
            params.put("customer", c.account());
        }
        tag.ifPresent(t -> {
            scope.append(" AND d.tag_source = :tagSource AND d.tag_key = :tagKey");
            params.put("tagSource", t.kind() == ReportDimension.Kind.TAG ? "tag" : "virtual");
            params.put("tagKey", t.key());
        });
        int i = 0;
        for (ReportDefinition.Filter f : report.filters()) {
            String p = "f" + i++;
            String column = f.dimension().kind().column();
            scope.append(f.exclude() ? " AND (" + column + " IS NULL OR " + column + " NOT IN (:" + p + "))"
                    : " AND " + column + " IN (:" + p + ")");
            params.put(p, f.values());
        }
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
        String sql = template.replace("{bucket}", bucket)
                .replace("{k1}", groups.isEmpty() ? "CAST(NULL AS text)" : groups.get(0).kind().column())
                .replace("{k2}", groups.size() < 2 ? "CAST(NULL AS text)" : groups.get(1).kind().column())
                .replace("{table}", table).replace("{measure}", measure).replace("{scope}", scope.toString());
        var statement = jdbc.sql(sql);
        for (Map.Entry<String, Object> p : params.entrySet()) {
            statement = statement.param(p.getKey(), p.getValue());
        }
        statement.query(rs -> {
            if (rs.getLong("currencies") > 1) {
                throw new RebillException(ErrorCode.BAD_VALUE, "the figures from " + window.from() + " to "
                        + window.to() + " are in several currencies; filter the report to one customer");
            }
            List<String> keys = new ArrayList<>();
            for (int k = 0; k < groups.size(); k++) {
                keys.add(rs.getString(k == 0 ? "k1" : "k2"));
            }
            java.sql.Date day = rs.getDate("bucket");
            sink.accept(day == null ? null : day.toLocalDate(), keys, rs.getString("currency"), rs.getBigDecimal("amount"));
        });
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

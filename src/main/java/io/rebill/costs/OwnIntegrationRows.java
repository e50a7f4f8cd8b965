package io.rebill.costs;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A report's share of a customer account's own integrations' costs (issue 12 item 1): the day sums of
 * {@link OwnIntegrationDays} (already grouped by DuckDB and cached per stored generation, so never line items) put
 * through the report's filters, groupings and buckets with the same meaning as the SQL over the re-billed aggregates
 * ({@link ReportQuery}): an include filter keeps the values listed, an exclude filter also keeps rows without a
 * value, a week starts on Monday. Their Source is the integration's name.
 */
final class OwnIntegrationRows {
    private OwnIntegrationRows() {
    }

    /** Adds the own integrations' figures of {@code account} in {@code window} to {@code sink}. */
    static void add(OwnIntegrationDays own, UUID account, ReportDefinition report, ReportDefinition.Window window,
                    boolean bucketed, ReportQuery.Sink sink) {
        Optional<String> tagKey = report.tag().filter(t -> t.kind() == ReportDimension.Kind.TAG)
                .map(ReportDimension::key);
        java.util.Set<ReportDimension.Kind> used = java.util.EnumSet.noneOf(ReportDimension.Kind.class);
        report.groupBy().forEach(g -> used.add(g.kind()));
        report.filters().forEach(f -> used.add(f.dimension().kind()));
        for (OwnIntegrationDays.Day d : own.days(account, window.from(), window.to(), used, tagKey)) {
            if (!report.filters().stream().allMatch(f -> passes(f, value(f.dimension().kind(), d)))) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            report.groupBy().forEach(g -> keys.add(value(g.kind(), d)));
            sink.accept(bucketed ? bucket(report.granularity(), d.day()) : null, keys, d.currency(), d.cost());
        }
    }

    /** Whether a row whose {@code kind} is {@code value} passes every filter on that kind. */
    static boolean passes(List<ReportDefinition.Filter> filters, ReportDimension.Kind kind, String value) {
        return filters.stream().filter(f -> f.dimension().kind() == kind).allMatch(f -> passes(f, value));
    }

    private static boolean passes(ReportDefinition.Filter f, String value) {
        return f.exclude() ? value == null || !f.values().contains(value) : value != null && f.values().contains(value);
    }

    /**
     * A day's value of a dimension. Own integrations have no virtual tag value (their lines are not billed, so no bill
     * run computes one) and no customer (a customer account's report never uses it).
     */
    private static String value(ReportDimension.Kind kind, OwnIntegrationDays.Day d) {
        return switch (kind) {
            case SERVICE -> d.service();
            case SERVICE_CATEGORY -> d.category();
            case CHARGE_TYPE -> d.chargeType();
            case SUB_ACCOUNT -> d.subAccount();
            case REGION -> d.region();
            case TAG -> d.tagValue();
            case SOURCE -> d.integration();
            case VIRTUAL_TAG, CUSTOMER -> null;
        };
    }

    private static LocalDate bucket(ReportDefinition.Granularity granularity, LocalDate day) {
        return switch (granularity) {
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
        };
    }
}

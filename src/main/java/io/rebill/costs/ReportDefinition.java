package io.rebill.costs;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import tools.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a saved cost report shows (issue 12 item 2): its date range, granularity, up to two groupings, filters that
 * include or exclude values, the measure (cost, charge or margin; a customer account's reports show charge only) and
 * the chart; for a customer account also whether its own integrations' costs, as the provider reports them, are
 * added to what its MSP bills it ({@code ownIntegrations}). Checked here, whoever sends it; {@link #window} turns the
 * range into days for a given today.
 */
public record ReportDefinition(Range range, Optional<LocalDate> from, Optional<LocalDate> to, Granularity granularity,
                               List<ReportDimension> groupBy, List<Filter> filters, Measure measure, Chart chart,
                               boolean ownIntegrations) {
    /** The longest custom range, so a report never reads more than three years of daily rows. */
    static final int MAX_DAYS = 3 * 366;
    static final int MAX_FILTER_VALUES = 100;

    public enum Range {
        THIS_MONTH(1), LAST_MONTH(1), LAST_3_MONTHS(3), LAST_6_MONTHS(6), LAST_12_MONTHS(12), CUSTOM(0);

        private final int months;

        Range(int months) {
            this.months = months;
        }
    }

    public enum Granularity { DAY, WEEK, MONTH }

    public enum Measure { COST, CHARGE, MARGIN }

    public enum Chart { BAR, LINE }

    /** Keeps (or, with {@code exclude}, drops) the rows whose dimension has one of {@code values}. */
    public record Filter(ReportDimension dimension, boolean exclude, List<String> values) {
        public Filter {
            values = List.copyOf(values);
        }
    }

    /** The days a report covers: {@code from} to {@code to}, both included. */
    public record Window(LocalDate from, LocalDate to) {
        public long days() {
            return ChronoUnit.DAYS.between(from, to) + 1;
        }
    }

    public ReportDefinition {
        groupBy = List.copyOf(groupBy);
        filters = List.copyOf(filters);
        if (range == Range.CUSTOM) {
            if (from.isEmpty() || to.isEmpty()) {
                throw bad("a custom range needs from and to (YYYY-MM-DD)");
            }
            if (to.get().isBefore(from.get())) {
                throw bad("range: to (" + to.get() + ") is before from (" + from.get() + ")");
            }
            if (ChronoUnit.DAYS.between(from.get(), to.get()) + 1 > MAX_DAYS) {
                throw bad("range: a custom range spans at most " + MAX_DAYS + " days");
            }
        } else if (from.isPresent() || to.isPresent()) {
            throw bad("from and to are for range custom only");
        }
        if (groupBy.size() > 2) {
            throw bad("group_by: at most two dimensions, not " + groupBy.size());
        }
        if (groupBy.stream().distinct().count() < groupBy.size()) {
            throw bad("group_by: a dimension is listed twice");
        }
        List<ReportDimension> used = new ArrayList<>(groupBy);
        filters.forEach(f -> used.add(f.dimension()));
        List<ReportDimension> tags = used.stream().filter(ReportDimension::tagged).distinct().toList();
        if (tags.size() > 1) {
            throw bad("a report uses at most one tag or virtual tag (in group_by and filters together), not "
                    + tags.stream().map(ReportDimension::text).collect(Collectors.joining(", ")));
        }
        if (!tags.isEmpty()) {
            // the tag aggregate keeps customer, day and service beside the tag (docs/costs.md: the tag aggregate)
            used.stream().filter(d -> !d.tagged() && d.kind() != ReportDimension.Kind.SERVICE
                    && d.kind() != ReportDimension.Kind.CUSTOMER && d.kind() != ReportDimension.Kind.SOURCE).findFirst().ifPresent(d -> {
                throw bad("with " + tags.getFirst().text() + " a report can also use service and customer, not "
                        + d.text());
            });
        }
        for (Filter f : filters) {
            if (f.values().isEmpty() || f.values().size() > MAX_FILTER_VALUES) {
                throw bad("filter on " + f.dimension().text() + ": 1 to " + MAX_FILTER_VALUES + " values");
            }
        }
    }

    private static RebillException bad(String message) {
        return new RebillException(ErrorCode.BAD_ARGUMENT, message);
    }

    /** The tag or virtual tag the report uses, if any. */
    public Optional<ReportDimension> tag() {
        return java.util.stream.Stream.concat(groupBy.stream(), filters.stream().map(Filter::dimension))
                .filter(ReportDimension::tagged).findFirst();
    }

    /** Whether the report names a dimension of this kind anywhere (grouping or filter). */
    public boolean uses(ReportDimension.Kind kind) {
        return groupBy.stream().anyMatch(d -> d.kind() == kind) || filters.stream().anyMatch(f -> f.dimension().kind() == kind);
    }

    /**
     * The days of the range on {@code today}: this month and the last N months end with this month's last day
     * ("last 3 months" is this month and the two before it); last month is the whole previous month.
     */
    public Window window(LocalDate today) {
        YearMonth now = YearMonth.from(today);
        return switch (range) {
            case CUSTOM -> new Window(from.orElseThrow(), to.orElseThrow());
            case LAST_MONTH -> new Window(now.minusMonths(1).atDay(1), now.minusMonths(1).atEndOfMonth());
            case THIS_MONTH, LAST_3_MONTHS, LAST_6_MONTHS, LAST_12_MONTHS ->
                    new Window(now.minusMonths(range.months - 1L).atDay(1), now.atEndOfMonth());
        };
    }

    /** The window just before: the same number of whole months for a month range, the same number of days else. */
    public Window previous(LocalDate today) {
        Window w = window(today);
        if (range == Range.CUSTOM) {
            return new Window(w.from().minusDays(w.days()), w.from().minusDays(1));
        }
        YearMonth first = YearMonth.from(w.from());
        return new Window(first.minusMonths(range.months).atDay(1), first.minusMonths(1).atEndOfMonth());
    }

    // ---- JSON ------------------------------------------------------------------------------------------------------

    /**
     * From a request's or the database's JSON; every missing field takes its default, every bad one is a 400. A
     * customer account's report includes its own integrations unless {@code include_own_integrations} is false (what
     * the customer pays for its cloud is both); the MSP's never does (its integrations are what it re-bills).
     */
    public static ReportDefinition fromJson(JsonNode j, boolean customerAccount) {
        Range range = enumOf(Range.class, "range", text(j, "range").orElse("last_3_months"));
        Optional<LocalDate> from = text(j, "from").map(t -> date("from", t));
        Optional<LocalDate> to = text(j, "to").map(t -> date("to", t));
        Granularity granularity = enumOf(Granularity.class, "granularity", text(j, "granularity").orElse("month"));
        List<ReportDimension> groupBy = new ArrayList<>();
        JsonNode g = j.path("group_by");
        if (g.isString()) {
            Arrays.stream(g.asString().split(",")).filter(s -> !s.isBlank()).map(ReportDimension::parse)
                    .forEach(groupBy::add);
        } else if (g.isArray()) {
            g.forEach(n -> groupBy.add(ReportDimension.parse(n.asString())));
        } else if (!g.isMissingNode() && !g.isNull()) {
            throw bad("group_by: a list of dimensions such as [\"service\", \"region\"]");
        }
        List<Filter> filters = new ArrayList<>();
        JsonNode fs = j.path("filters");
        if (fs.isArray()) {
            int i = 0;
            for (JsonNode f : fs) {
                i++;
                String op = f.path("operator").asString("include");
                if (!op.equals("include") && !op.equals("exclude")) {
                    throw bad("filters[" + i + "].operator: include or exclude, not '" + op + "'");
                }
                List<String> values = new ArrayList<>();
                f.path("values").forEach(v -> values.add(v.asString()));
                filters.add(new Filter(ReportDimension.parse(f.path("dimension").asString("")), op.equals("exclude"),
                        values));
            }
        } else if (!fs.isMissingNode() && !fs.isNull()) {
            throw bad("filters: a list of {dimension, operator, values}");
        }
        Measure measure = enumOf(Measure.class, "measure", text(j, "measure").orElse("charge"));
        Chart chart = enumOf(Chart.class, "chart", text(j, "chart").orElse("bar"));
        JsonNode own = j.path("include_own_integrations");
        if (!own.isMissingNode() && !own.isNull() && !own.isBoolean()) {
            throw bad("include_own_integrations: true or false");
        }
        boolean ownIntegrations = own.isBoolean() ? own.asBoolean() : customerAccount;
        if (ownIntegrations && !customerAccount) {
            throw bad("include_own_integrations is for customer accounts; the MSP's integrations are what its bill"
                    + " runs re-bill, and its reports already show them");
        }
        return new ReportDefinition(range, from, to, granularity, groupBy, filters, measure, chart, ownIntegrations);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("range", lower(range));
        from.ifPresent(d -> m.put("from", d.toString()));
        to.ifPresent(d -> m.put("to", d.toString()));
        m.put("granularity", lower(granularity));
        m.put("group_by", groupBy.stream().map(ReportDimension::text).toList());
        m.put("filters", filters.stream().map(f -> Map.of("dimension", f.dimension().text(), "operator",
                f.exclude() ? "exclude" : "include", "values", f.values())).toList());
        m.put("measure", lower(measure));
        m.put("chart", lower(chart));
        m.put("include_own_integrations", ownIntegrations);
        return m;
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    private static Optional<String> text(JsonNode j, String field) {
        JsonNode n = j.path(field);
        return n.isMissingNode() || n.isNull() || n.asString("").isBlank() ? Optional.empty() : Optional.of(n.asString());
    }

    private static LocalDate date(String field, String text) {
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw bad(field + ": '" + text + "' is not a date (YYYY-MM-DD)");
        }
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String field, String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.name().equals(t)).findFirst()
                .orElseThrow(() -> bad(field + ": '" + text + "' is not one of " + Arrays.stream(type.getEnumConstants())
                        .map(ReportDefinition::lower).collect(Collectors.joining(", "))));
    }
}

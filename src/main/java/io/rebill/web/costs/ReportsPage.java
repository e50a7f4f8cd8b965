package io.rebill.web.costs;

import io.rebill.costs.CostReports;
import io.rebill.costs.ReportData;
import io.rebill.costs.ReportDefinition;
import io.rebill.costs.ReportDimension;
import io.rebill.costs.SavedReport;
import io.rebill.costs.VirtualTag;
import io.rebill.costs.VirtualTags;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.RebillException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Reports pages (issue 12 item 2): the account's saved reports, and one report with its chart over time
 * (chart.js from its WebJar, data in a data- attribute), its table with totals and the change against the period
 * before, its CSV, and the form that changes it. Everything goes through {@link CostReports}, which checks who may
 * see and change what; this class only turns forms into definitions and figures into text.
 */
@Controller
class ReportsPage {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CHART_SERIES = 8;
    private final CostReports reports;
    private final VirtualTags tags;

    ReportsPage(CostReports reports, VirtualTags tags) {
        this.reports = reports;
        this.tags = tags;
    }

    record ReportRow(String id, String title, String description, String createdBy, String updated, boolean isDefault) {
    }

    record Option(String value, String label) {
    }

    record TableRow(List<String> keys, String total, String previous, String change, boolean negative) {
    }

    @GetMapping("/reports")
    String list(Actor actor, Model model) {
        model.addAttribute("reports", reports.list(actor).stream().map(r -> new ReportRow(r.id().toString(), r.title(),
                describe(actor, r.definition()), r.createdBy(), Display.day(LocalDate.ofInstant(r.updatedAt(),
                java.time.ZoneOffset.UTC)), r.isDefault())).toList());
        form(actor, model, null);
        return "reports";
    }

    @PostMapping("/reports")
    String create(Actor actor, @RequestParam MultiValueMap<String, String> form, RedirectAttributes redirect) {
        try {
            SavedReport r = reports.create(actor, form.getFirst("title"), definition(form, !actor.account().isMsp()));
            return "redirect:/reports/" + r.id();
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
            return "redirect:/reports";
        }
    }

    @GetMapping("/reports/{id}")
    String show(Actor actor, @PathVariable UUID id, Model model) {
        SavedReport report = reports.get(actor, id);
        model.addAttribute("report", report);
        model.addAttribute("description", describe(actor, report.definition()));
        form(actor, model, report);
        try {
            ReportData data = reports.data(actor, id);
            figures(data, report.definition(), model);
        } catch (RebillException e) {
            model.addAttribute("error", e.getMessage());
        }
        return "reports-show";
    }

    @PostMapping("/reports/{id}")
    String update(Actor actor, @PathVariable UUID id, @RequestParam MultiValueMap<String, String> form,
                  RedirectAttributes redirect) {
        try {
            reports.update(actor, id, form.getFirst("title"), definition(form, !actor.account().isMsp()));
            redirect.addFlashAttribute("message", "Saved.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/reports/" + id;
    }

    @PostMapping("/reports/{id}/delete")
    String delete(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        try {
            reports.delete(actor, id);
            redirect.addFlashAttribute("message", "Deleted the report.");
            return "redirect:/reports";
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
            return "redirect:/reports/" + id;
        }
    }

    /** The choices of the form: dimensions (customer for the MSP only), measures, ranges. */
    private void form(Actor actor, Model model, SavedReport report) {
        boolean msp = actor.account().isMsp();
        List<Option> dimensions = new ArrayList<>();
        for (ReportDimension.Kind k : ReportDimension.Kind.values()) {
            if (k == ReportDimension.Kind.TAG || k == ReportDimension.Kind.VIRTUAL_TAG
                    || (k == ReportDimension.Kind.CUSTOMER && !msp) || (k == ReportDimension.Kind.SOURCE && msp)) {
                continue;
            }
            dimensions.add(new Option(k.text(), k.label()));
        }
        for (VirtualTag t : tags.list(actor)) {
            dimensions.add(new Option("virtual_tag:" + t.id(), "Virtual tag: " + t.key()));
        }
        model.addAttribute("dimensions", dimensions);
        model.addAttribute("measures", msp ? List.of(new Option("charge", "Charge"), new Option("cost", "Cost"),
                new Option("margin", "Margin")) : List.of(new Option("charge", "Charge")));
        model.addAttribute("ranges", List.of(new Option("this_month", "This month"), new Option("last_month", "Last month"),
                new Option("last_3_months", "Last 3 months"), new Option("last_6_months", "Last 6 months"),
                new Option("last_12_months", "Last 12 months"), new Option("custom", "Custom")));
        model.addAttribute("granularities", List.of(new Option("day", "Day"), new Option("week", "Week"),
                new Option("month", "Month")));
        model.addAttribute("charts", List.of(new Option("bar", "Stacked bars"), new Option("line", "Lines")));
        model.addAttribute("canEdit", actor.can(msp ? Permission.CREATE_MANAGEMENT_RESOURCES
                : Permission.CREATE_ACCOUNT_RESOURCES));
        Map<String, String> values = new LinkedHashMap<>();
        // every field the form reads is present (a template reading a missing key fails)
        for (String field : List.of("title", "range", "from", "to", "granularity", "measure", "chart", "group1", "group2",
                "tagKey", "filterDimension", "filterOperator", "filterValues")) {
            values.put(field, "");
        }
        ReportDefinition d = report == null ? ReportDefinition.fromJson(JSON.createObjectNode(), !msp)
                : report.definition();
        model.addAttribute("customerAccount", !msp);
        model.addAttribute("ownIntegrations", d.ownIntegrations());
        values.put("title", report == null ? "" : report.title());
        d.toJson().forEach((k, v) -> values.put(k, v instanceof String s ? s : ""));
        values.put("group1", d.groupBy().isEmpty() ? "" : d.groupBy().get(0).text());
        values.put("group2", d.groupBy().size() < 2 ? "" : d.groupBy().get(1).text());
        values.put("tagKey", d.tag().filter(t -> t.kind() == ReportDimension.Kind.TAG).map(ReportDimension::key).orElse(""));
        if (!d.filters().isEmpty()) {
            ReportDefinition.Filter f = d.filters().getFirst();
            values.put("filterDimension", f.dimension().text());
            values.put("filterOperator", f.exclude() ? "exclude" : "include");
            values.put("filterValues", String.join(", ", f.values()));
        }
        model.addAttribute("values", values);
    }

    /**
     * The form's fields as a definition: group1/group2 ("tag" takes the key from tagKey), one filter; a customer
     * account's "Include my own integrations" box (unticked: not sent).
     */
    static ReportDefinition definition(MultiValueMap<String, String> form, boolean customerAccount) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (String field : List.of("range", "granularity", "measure", "chart")) {
            body.put(field, form.getFirst(field));
        }
        if ("custom".equals(form.getFirst("range"))) {
            body.put("from", form.getFirst("from"));
            body.put("to", form.getFirst("to"));
        }
        String tagKey = String.valueOf(form.getFirst("tagKey")).strip();
        List<String> groups = new ArrayList<>();
        for (String g : List.of("group1", "group2")) {
            String v = form.getFirst(g);
            if (v != null && !v.isBlank()) {
                groups.add(v.equals("tag") ? "tag:" + tagKey : v);
            }
        }
        body.put("group_by", groups);
        String dimension = form.getFirst("filterDimension");
        String values = form.getFirst("filterValues");
        if (dimension != null && !dimension.isBlank() && values != null && !values.isBlank()) {
            body.put("filters", List.of(Map.of("dimension", dimension.equals("tag") ? "tag:" + tagKey : dimension,
                    "operator", "exclude".equals(form.getFirst("filterOperator")) ? "exclude" : "include",
                    "values", java.util.Arrays.stream(values.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                            .toList())));
        }
        body.put("include_own_integrations", customerAccount && "true".equals(form.getFirst("ownIntegrations")));
        return ReportDefinition.fromJson(JSON.valueToTree(body), customerAccount);
    }

    private void figures(ReportData data, ReportDefinition definition, Model model) {
        String currency = data.currency().orElse("USD");
        model.addAttribute("window", Display.day(data.window().from()) + " to " + Display.day(data.window().to()));
        model.addAttribute("previousWindow", Display.day(data.previous().from()) + " to "
                + Display.day(data.previous().to()));
        model.addAttribute("measureLabel", switch (data.measure()) {
            case CHARGE -> "Charge";
            case COST -> "Cost";
            case MARGIN -> "Margin";
        });
        model.addAttribute("groupLabels", data.groupLabels());
        model.addAttribute("hasRows", !data.rows().isEmpty());
        model.addAttribute("rows", data.rows().stream().filter(ReportsPage::shown).map(r -> new TableRow(
                keyLabels(data, r), Display.money(r.total(), currency),
                Display.money(r.previous(), currency), Display.change(r.total(), r.previous()), r.total().signum() < 0))
                .toList());
        model.addAttribute("total", Display.money(data.total(), currency));
        model.addAttribute("previousTotal", Display.money(data.previousTotal(), currency));
        model.addAttribute("change", Display.change(data.total(), data.previousTotal()));
        model.addAttribute("chart", JSON.writeValueAsString(chart(data, definition, currency)));
        // a report by a tag: say which months' figures are without a value because their run kept no row of the tag
        model.addAttribute("withoutTag", data.periodsWithoutTag().isEmpty() ? null : data.periodsWithoutTag().stream()
                .map(p -> p.month().format(java.time.format.DateTimeFormatter.ofPattern("MMMM yyyy",
                        java.util.Locale.ENGLISH))).collect(java.util.stream.Collectors.joining(", ")));
    }

    /**
     * A group's value as a reader names it: lines no customer claims are "Unassigned" (the MSP's own cost, as on the
     * Billing page), a line without a value of any other dimension "No region", "No team" and so on.
     */
    static List<String> keyLabels(ReportData data, ReportData.Row row) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < row.keys().size(); i++) {
            String key = row.keys().get(i);
            String group = i < data.groupLabels().size() ? data.groupLabels().get(i) : "value";
            labels.add(key != null ? key : group.equalsIgnoreCase("Customer") ? "Unassigned"
                    : "No " + group.toLowerCase(java.util.Locale.ROOT));
        }
        return labels;
    }

    /** A row with nothing in either window (the unassigned lines of a charge report, say) says nothing: left out. */
    static boolean shown(ReportData.Row row) {
        return row.total().signum() != 0 || row.previous().signum() != 0
                || row.amounts().stream().anyMatch(a -> a.signum() != 0);
    }

    /** The chart's data: a label per bucket, a series per group (the largest few, the rest as Other). */
    static Map<String, Object> chart(ReportData data, ReportDefinition definition, String currency) {
        List<String> labels = data.buckets().stream().map(b -> switch (definition.granularity()) {
            case DAY -> Display.day(b);
            case WEEK -> "Week of " + Display.day(b);
            case MONTH -> Display.period(new io.rebill.shared.time.BillingPeriod(java.time.YearMonth.from(b)));
        }).toList();
        List<Map<String, Object>> series = new ArrayList<>();
        List<ReportData.Row> rows = data.rows().stream().filter(ReportsPage::shown).toList();
        for (int i = 0; i < Math.min(rows.size(), CHART_SERIES); i++) {
            ReportData.Row r = rows.get(i);
            series.add(Map.of("label", r.keys().isEmpty() ? "Total" : String.join(" / ", keyLabels(data, r)),
                    "values", r.amounts().stream()
                    .map(BigDecimal::toPlainString).toList()));
        }
        if (rows.size() > CHART_SERIES) {
            List<String> other = new ArrayList<>();
            for (int b = 0; b < data.buckets().size(); b++) {
                BigDecimal sum = BigDecimal.ZERO;
                for (ReportData.Row r : rows.subList(CHART_SERIES, rows.size())) {
                    sum = sum.add(r.amounts().get(b));
                }
                other.add(sum.toPlainString());
            }
            series.add(Map.of("label", "Other", "values", other));
        }
        return Map.of("type", definition.chart() == ReportDefinition.Chart.LINE ? "line" : "bar", "currency", currency,
                "labels", labels, "series", series);
    }

    /** "Last 3 months by month, grouped by Service and Region, charge". */
    private String describe(Actor actor, ReportDefinition d) {
        String range = switch (d.range()) {
            case THIS_MONTH -> "This month";
            case LAST_MONTH -> "Last month";
            case LAST_3_MONTHS -> "Last 3 months";
            case LAST_6_MONTHS -> "Last 6 months";
            case LAST_12_MONTHS -> "Last 12 months";
            case CUSTOM -> Display.day(d.from().orElseThrow()) + " to " + Display.day(d.to().orElseThrow());
        };
        String by = switch (d.granularity()) {
            case DAY -> "by day";
            case WEEK -> "by week";
            case MONTH -> "by month";
        };
        String groups = d.groupBy().isEmpty() ? "" : ", grouped by " + String.join(" and ", d.groupBy().stream()
                .map(g -> reports.label(actor, g)).toList());
        return range + " " + by + groups + ", " + d.measure().name().toLowerCase(java.util.Locale.ROOT)
                + (d.ownIntegrations() ? ", with your own integrations" : "");
    }
}

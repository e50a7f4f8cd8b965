package io.rebill.web.budgets;

import io.rebill.budgets.AlertThreshold;
import io.rebill.budgets.Anomaly;
import io.rebill.budgets.Budget;
import io.rebill.budgets.BudgetFilter;
import io.rebill.budgets.BudgetStatus;
import io.rebill.budgets.Budgets;
import io.rebill.budgets.Dimension;
import io.rebill.budgets.Measure;
import io.rebill.budgets.NewBudget;
import io.rebill.budgets.Notifications;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.money.DisplayAmounts;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Budgets page ({@code /budgets}): each budget's month to date, forecast and % used with a chart, its alerts and
 * when they fired, the account's recent cost anomalies, and a form for a new budget (for who may create resources).
 * Calls the budgets facade, so checks and scoping are the API's.
 */
@Controller
class BudgetsPage {
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Budgets budgets;
    private final Notifications notifications;

    BudgetsPage(Budgets budgets, Notifications notifications) {
        this.budgets = budgets;
        this.notifications = notifications;
    }

    record Alert(String label, boolean fired, String note) {
    }

    record Row(String id, String name, String amount, String monthToDate, String percentUsed, int bar, boolean over,
               String forecast, String forecastNote, String measure, String filters, List<Alert> alerts,
               String createdBy) {
    }

    record AnomalyRow(String service, String day, String amount, String baseline, String change, boolean up) {
    }

    record PeriodOption(String value, String label, boolean selected) {
    }

    /** The budget form's values: empty for a new budget, the budget's own when editing ({@code ?edit=id}). */
    record Form(String id, String name, String amount, String measure, String services, String regions,
                String actualAlerts, String forecastAlerts) {
        static final Form NEW = new Form(null, "", "", "charge", "", "", "50, 80, 100", "100");
    }

    record ChannelOption(String id, String label, boolean checked) {
    }

    private static Form form(Budget b) {
        Map<String, List<String>> f = b.filter().byKey();
        return new Form(b.id().toString(), b.name(), b.amount().toPlainString(), b.measure().key(),
                String.join(", ", f.getOrDefault("service", List.of())),
                String.join(", ", f.getOrDefault("region", List.of())),
                thresholds(b, AlertThreshold.Basis.ACTUAL), thresholds(b, AlertThreshold.Basis.FORECAST));
    }

    private static String thresholds(Budget b, AlertThreshold.Basis basis) {
        return String.join(", ", b.alerts().stream().filter(t -> t.basis() == basis)
                .map(t -> t.percent().stripTrailingZeros().toPlainString()).toList());
    }

    @GetMapping("/budgets")
    String show(Actor actor, @RequestParam Optional<String> period, @RequestParam Optional<String> edit,
                Model model) {
        List<BudgetStatus> all = budgets.list(actor, period.filter(p -> !p.isBlank()).map(BillingPeriod::parse));
        List<BillingPeriod> periods = budgets.periods(actor);
        BillingPeriod shown = all.isEmpty() ? period.filter(p -> !p.isBlank()).map(BillingPeriod::parse)
                .orElse(periods.isEmpty() ? null : periods.getFirst()) : all.getFirst().period();
        List<Row> rows = all.stream().map(BudgetsPage::row).toList();
        model.addAttribute("rows", rows);
        model.addAttribute("periodLabel", shown == null ? "" : label(shown));
        model.addAttribute("periods", periods.stream().map(p -> new PeriodOption(p.toString(), label(p),
                p.equals(shown))).toList());
        model.addAttribute("msp", actor.account().isMsp());
        model.addAttribute("canCreate", actor.can(actor.account().isMsp() ? Permission.CREATE_MANAGEMENT_RESOURCES
                : Permission.CREATE_ACCOUNT_RESOURCES));
        model.addAttribute("chart", chart(all));
        model.addAttribute("anomalies", notifications.anomalies(actor).stream().map(BudgetsPage::anomaly).toList());
        Optional<Budget> editing = edit.filter(e -> !e.isBlank()).map(UUID::fromString)
                .map(id -> budgets.get(actor, id, Optional.empty()).budget());
        model.addAttribute("form", editing.map(BudgetsPage::form).orElse(Form.NEW));
        model.addAttribute("channels", notifications.channels(actor).stream().map(c -> new ChannelOption(
                c.id().toString(), c.name() + " (" + c.kind().key() + ")", editing.map(b -> b.recipients()
                .contains(c.id())).orElse(false))).toList());
        return "budgets";
    }

    @PostMapping("/budgets")
    String create(Actor actor, @RequestParam String name, @RequestParam String amount,
                  @RequestParam(defaultValue = "charge") String measure,
                  @RequestParam(defaultValue = "") String services, @RequestParam(defaultValue = "") String regions,
                  @RequestParam(name = "actual_alerts", defaultValue = "") String actualAlerts,
                  @RequestParam(name = "forecast_alerts", defaultValue = "") String forecastAlerts,
                  @RequestParam(defaultValue = "") List<UUID> recipients, RedirectAttributes redirect) {
        try {
            budgets.create(actor, request(name, amount, Optional.of(measure), services, regions, actualAlerts,
                    forecastAlerts, recipients, Map.of()));
            redirect.addFlashAttribute("message", "Budget " + name.strip() + " created.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/budgets";
    }

    /** The edit form's submit: everything the new-budget form has, for an existing budget (Created By stays). */
    @PostMapping("/budgets/{id}")
    String update(Actor actor, @PathVariable UUID id, @RequestParam String name, @RequestParam String amount,
                  @RequestParam Optional<String> measure,
                  @RequestParam(defaultValue = "") String services, @RequestParam(defaultValue = "") String regions,
                  @RequestParam(name = "actual_alerts", defaultValue = "") String actualAlerts,
                  @RequestParam(name = "forecast_alerts", defaultValue = "") String forecastAlerts,
                  @RequestParam(defaultValue = "") List<UUID> recipients, RedirectAttributes redirect) {
        try {
            // the dimensions the form does not show (set through the API) are kept as they are
            Map<Dimension, List<String>> kept = new EnumMap<>(Dimension.class);
            budgets.get(actor, id, Optional.empty()).budget().filter().values().forEach((d, v) -> {
                if (d != Dimension.SERVICE && d != Dimension.REGION) {
                    kept.put(d, v);
                }
            });
            budgets.update(actor, id, request(name, amount, measure, services, regions, actualAlerts,
                    forecastAlerts, recipients, kept));
            redirect.addFlashAttribute("message", "Budget " + name.strip() + " saved.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
            return "redirect:/budgets?edit=" + id;
        }
        return "redirect:/budgets";
    }

    private static NewBudget request(String name, String amount, Optional<String> measure, String services,
                                     String regions, String actualAlerts, String forecastAlerts,
                                     List<UUID> recipients, Map<Dimension, List<String>> kept) {
        Map<Dimension, List<String>> filter = new EnumMap<>(Dimension.class);
        filter.putAll(kept);
        list(services).ifPresent(v -> filter.put(Dimension.SERVICE, v));
        list(regions).ifPresent(v -> filter.put(Dimension.REGION, v));
        List<AlertThreshold> alerts = new ArrayList<>();
        list(actualAlerts).ifPresent(v -> v.forEach(p -> alerts.add(new AlertThreshold(
                AlertThreshold.Basis.ACTUAL, BudgetsApi.decimal(p.replace("%", ""), "alerts")))));
        list(forecastAlerts).ifPresent(v -> v.forEach(p -> alerts.add(new AlertThreshold(
                AlertThreshold.Basis.FORECAST, BudgetsApi.decimal(p.replace("%", ""), "alerts")))));
        return new NewBudget(name, BudgetsApi.decimal(amount.replace(",", ""), "amount"),
                measure.filter(m -> !m.isBlank()).map(Measure::parse), new BudgetFilter(filter), alerts,
                recipients == null ? List.of() : recipients);
    }

    @PostMapping("/budgets/{id}/delete")
    String delete(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        budgets.delete(actor, id);
        redirect.addFlashAttribute("message", "Budget deleted.");
        return "redirect:/budgets";
    }

    private static Optional<List<String>> list(String text) {
        List<String> values = Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return values.isEmpty() ? Optional.empty() : Optional.of(values);
    }

    static String label(BillingPeriod p) {
        return p.month().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + p.month().getYear();
    }

    private static Row row(BudgetStatus s) {
        var b = s.budget();
        String currency = b.currency();
        List<Alert> alerts = b.alerts().stream().map(t -> {
            var fired = s.fired().stream().filter(f -> f.threshold().equals(t)).findFirst();
            return new Alert(t.label(), fired.isPresent(), fired.map(f -> "sent " + TIME.format(f.firedAt()))
                    .orElse("not reached"));
        }).toList();
        String filters = b.filter().byKey().entrySet().stream().map(e -> filterLabel(e.getKey()) + ": "
                + String.join(", ", e.getValue())).reduce((x, y) -> x + "; " + y).orElse("All costs");
        return new Row(b.id().toString(), b.name(), DisplayAmounts.display(b.amount(), currency),
                DisplayAmounts.display(s.monthToDate(), currency), s.percentUsed().toPlainString() + " %",
                s.percentUsed().min(BigDecimal.valueOf(100)).max(BigDecimal.ZERO).intValue(),
                s.percentUsed().compareTo(BigDecimal.valueOf(100)) >= 0,
                s.forecast().map(f -> DisplayAmounts.display(f, currency)).orElse("—"),
                s.monthComplete() ? "month complete" : s.forecastPercent().map(p -> p.toPlainString() + " % of budget")
                        .orElse("after the first complete day"),
                b.measure() == Measure.COST ? "Cost" : "Charge", filters, alerts, b.createdBy());
    }

    private static String filterLabel(String key) {
        return switch (key) {
            case "service" -> "Service";
            case "service_category" -> "Category";
            case "charge_type" -> "Charge type";
            case "region" -> "Region";
            case "sub_account_id" -> "Account";
            default -> "Customer";
        };
    }

    private static AnomalyRow anomaly(Anomaly a) {
        return new AnomalyRow(a.service(), DAY.format(a.day()), DisplayAmounts.display(a.amount(), a.currency()),
                DisplayAmounts.display(a.baseline(), a.currency()), (a.change().signum() > 0 ? "+" : "")
                + DisplayAmounts.display(a.change(), a.currency()), a.change().signum() > 0);
    }

    private static String chart(List<BudgetStatus> all) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("currency", all.isEmpty() ? "" : all.getFirst().budget().currency());
        data.put("names", all.stream().map(s -> s.budget().name()).toList());
        data.put("actual", all.stream().map(s -> s.monthToDate().toPlainString()).toList());
        data.put("forecast", all.stream().map(s -> s.forecast().map(BigDecimal::toPlainString).orElse(null)).toList());
        data.put("budget", all.stream().map(s -> s.budget().amount().toPlainString()).toList());
        return JSON.writeValueAsString(data);
    }
}

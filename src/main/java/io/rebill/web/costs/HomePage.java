package io.rebill.web.costs;

import io.rebill.costs.CostFigures;
import io.rebill.costs.CostGroup;
import io.rebill.costs.CostViewer;
import io.rebill.costs.DailyCosts;
import io.rebill.costs.OwnIntegrationCosts;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceStatus;
import io.rebill.invoicing.InvoiceFilter;
import io.rebill.invoicing.Invoices;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.money.Forecast;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Integrations;
import io.rebill.web.sources.SourcesSection;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The home page ({@code /}, issue 12 item 3), from the daily aggregates bill runs wrote (never the line items): a
 * customer account (its users, and the MSP's staff inside it as Manager User) sees its month to date, forecast, last
 * month, change, top services, daily charge and its issued invoices; the MSP (Owner, Integration Owner) its cost,
 * charge and margin this month and last, per customer, the unassigned cost and integrations in error. Anyone else
 * (an MSP's Editor or Viewer) sees the sources list, also at {@code /sources}.
 */
@Controller
class HomePage {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int TOP_SERVICES = 8;

    private final DailyCosts costs;
    private final Invoices invoices;
    private final Integrations integrations;
    private final Ingestion ingestion;
    private final SourcesSection sources;
    private final OwnIntegrationCosts own;
    private final Clock clock = Clock.systemUTC();

    HomePage(DailyCosts costs, Invoices invoices, Integrations integrations, Ingestion ingestion,
             SourcesSection sources, OwnIntegrationCosts own) {
        this.costs = costs;
        this.invoices = invoices;
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.sources = sources;
        this.own = own;
    }

    record Kpi(String label, String value, String note) {
    }

    record CustomerRow(String name, String cost, String charge, String margin, boolean negative) {
    }

    record InvoiceRow(String number, String period, String issued, String status, String total, String pdf) {
    }

    record Failing(String name, String message) {
    }

    @GetMapping("/")
    String home(Actor actor, Model model) {
        sources.addTo(actor, model);
        if (actor.account().isMsp()) {
            if (!actor.can(Permission.VIEW_MANAGED_ACCOUNTS)) {
                return "sources";
            }
            msp(actor, DailyCosts.viewerOf(actor), model);
            return "costs-msp-home";
        }
        if (!actor.can(Permission.VIEW_ACCOUNT) || actor.account().mspId().isEmpty()) {
            return "sources";
        }
        customer(actor, DailyCosts.viewerOf(actor), model);
        return "costs-customer-home";
    }

    private void customer(Actor actor, CostViewer viewer, Model model) {
        List<BillingPeriod> periods = costs.periods(viewer);
        model.addAttribute("hasFigures", !periods.isEmpty());
        model.addAttribute("invoices", invoices.list(actor, InvoiceFilter.all(), new PageRequest(0, 12)).items().stream()
                .map(i -> new InvoiceRow(i.number().orElse(""), Display.period(i.period()),
                        i.issueDate().map(Display::day).orElse(""), i.status().name().charAt(0)
                        + i.status().name().substring(1).toLowerCase(java.util.Locale.ROOT),
                        Display.money(i.total().amount(), i.currency()), "/api/v1/invoices/" + i.id() + "/pdf"))
                .toList());
        // issue 12: each billed period's re-billed lines as a FOCUS 1.2 file (FocusFileApi)
        model.addAttribute("focusFiles", periods.stream().map(p -> Map.of("period", Display.period(p),
                "csv", "/api/v1/costs/focus?period=" + p + "&format=csv",
                "parquet", "/api/v1/costs/focus?period=" + p + "&format=parquet")).toList());
        ownIntegrations(actor, periods.stream().findFirst(), model);
        if (periods.isEmpty()) {
            return;
        }
        BillingPeriod latest = periods.getFirst();
        BillingPeriod previous = new BillingPeriod(latest.month().minusMonths(1));
        CostFigures byDayKind = costs.figures(viewer, latest, List.of(CostGroup.DAY, CostGroup.KIND));
        String currency = byDayKind.rows().isEmpty() ? "USD" : byDayKind.rows().getFirst().currency();
        Map<LocalDate, BigDecimal> usageByDay = new TreeMap<>();
        Map<LocalDate, BigDecimal> chargeByDay = new TreeMap<>();
        BigDecimal added = BigDecimal.ZERO;
        for (CostFigures.Row r : byDayKind.rows()) {
            LocalDate day = LocalDate.parse(r.keys().get(0));
            chargeByDay.merge(day, r.charge(), BigDecimal::add);
            if ("usage".equals(r.keys().get(1))) {
                usageByDay.merge(day, r.charge(), BigDecimal::add);
            } else {
                added = added.add(r.charge());
            }
        }
        BigDecimal monthToDate = byDayKind.totalCharge();
        LocalDate today = LocalDate.now(clock);
        Forecast forecast = new Forecast(latest.month(), usageByDay, added, today);
        CostFigures lastMonthByDay = costs.figures(viewer, previous, List.of(CostGroup.DAY));
        BigDecimal lastMonth = lastMonthByDay.totalCharge();
        // like for like: last month up to the same day of the month as this month's latest day with data
        int upTo = forecast.complete() ? 31 : usageByDay.keySet().stream().mapToInt(LocalDate::getDayOfMonth).max().orElse(31);
        BigDecimal lastMonthSameDays = lastMonthByDay.rows().stream()
                .filter(r -> LocalDate.parse(r.keys().getFirst()).getDayOfMonth() <= upTo)
                .map(CostFigures.Row::charge).reduce(BigDecimal.ZERO, BigDecimal::add);
        String through = usageByDay.keySet().stream().max(LocalDate::compareTo).map(Display::day).orElse("");

        List<Kpi> kpis = new ArrayList<>();
        kpis.add(new Kpi(forecast.complete() ? Display.period(latest) : "Month to date", Display.money(monthToDate, currency),
                through.isEmpty() ? "" : "through " + through));
        kpis.add(new Kpi("Forecast for " + latest.month().getMonth().getDisplayName(java.time.format.TextStyle.FULL,
                java.util.Locale.ENGLISH), forecast.value().map(v -> Display.money(v, currency)).orElse("—"),
                forecast.complete() ? "month complete" : forecast.value().isPresent() ? "at the pace of the complete days"
                        : "after the first complete day"));
        kpis.add(new Kpi(Display.period(previous), lastMonthByDay.rows().isEmpty() ? "—" : Display.money(lastMonth, currency),
                "last month"));
        String change = Display.change(monthToDate, lastMonthSameDays);
        kpis.add(new Kpi("Change", change.isEmpty() ? "—" : change, change.isEmpty() ? "no figures last month"
                : forecast.complete() ? "against " + Display.period(previous) : "against the same days of " + Display.period(previous)));
        model.addAttribute("kpis", kpis);
        model.addAttribute("periodLabel", Display.period(latest));

        List<CostFigures.Row> services = new ArrayList<>(costs.figures(viewer, latest, List.of(CostGroup.SERVICE)).rows());
        services.sort(Comparator.comparing(CostFigures.Row::charge).reversed());
        model.addAttribute("services", services.stream().limit(TOP_SERVICES).map(r -> Map.of("name", r.keys().getFirst(),
                "charge", Display.money(r.charge(), currency))).toList());
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("currency", currency);
        chart.put("services", services.stream().limit(TOP_SERVICES).map(r -> r.keys().getFirst()).toList());
        chart.put("serviceCharges", services.stream().limit(TOP_SERVICES).map(r -> r.charge().toPlainString()).toList());
        chart.put("days", chargeByDay.keySet().stream().map(d -> Display.DAY.format(d).replaceAll(" \\d{4}$", "")).toList());
        chart.put("dayCharges", chargeByDay.values().stream().map(BigDecimal::toPlainString).toList());
        model.addAttribute("chart", JSON.writeValueAsString(chart));
    }

    /**
     * Issue 12 item 1: the costs of the integrations this customer account set up itself, as its provider reports
     * them (never an MSP charge), beside the re-billed figures; only the viewer's own account's integrations.
     */
    private void ownIntegrations(Actor actor, Optional<BillingPeriod> rebilled, Model model) {
        Optional<OwnIntegrationCosts.Figures> figures = own.of(actor.account().id(), rebilled);
        model.addAttribute("hasOwn", figures.isPresent());
        figures.ifPresent(f -> {
            model.addAttribute("ownPeriod", Display.period(f.period()));
            model.addAttribute("ownTotal", String.join(" + ", f.totals().entrySet().stream()
                    .map(e -> Display.money(e.getValue(), e.getKey())).toList()));
            model.addAttribute("ownTotalExact", String.join(" + ", f.totals().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().toPlainString()).toList()));
            model.addAttribute("ownSources", f.sources().stream().map(s -> Map.of("name", s.integration(),
                    "cost", Display.money(s.cost(), s.currency()))).toList());
            model.addAttribute("ownServices", f.services().stream().limit(TOP_SERVICES).map(s -> Map.of(
                    "name", s.name(), "cost", Display.money(s.cost(), s.currency()))).toList());
        });
    }

    /** The cost of lines nobody claims: the row without a customer when grouped by customer, else 0 (not known). */
    private static BigDecimal unassignedIn(CostFigures figures) {
        if (!figures.groups().equals(List.of(CostGroup.CUSTOMER))) {
            return BigDecimal.ZERO;
        }
        return figures.rows().stream().filter(r -> r.keys().getFirst() == null)
                .map(r -> r.cost().orElse(BigDecimal.ZERO)).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private void msp(Actor actor, CostViewer viewer, Model model) {
        List<BillingPeriod> periods = costs.periods(viewer);
        model.addAttribute("hasFigures", !periods.isEmpty());
        List<Failing> failing = new ArrayList<>();
        integrations.of(actor.account().id()).forEach(i -> ingestion.find(i.sourceName())
                .filter(s -> s.status() == SourceStatus.ERROR)
                .ifPresent(s -> failing.add(new Failing(i.name(), Optional.ofNullable(s.message())
                        .orElse("the last ingest failed")))));
        model.addAttribute("failing", failing);
        if (periods.isEmpty()) {
            return;
        }
        BillingPeriod latest = periods.getFirst();
        BillingPeriod previous = new BillingPeriod(latest.month().minusMonths(1));
        CostFigures byCustomer = costs.figures(viewer, latest, List.of(CostGroup.CUSTOMER));
        String currency = byCustomer.rows().isEmpty() ? "USD" : byCustomer.rows().getFirst().currency();
        List<Kpi> kpis = new ArrayList<>();
        for (BillingPeriod p : List.of(latest, previous)) {
            CostFigures total = costs.figures(viewer, p, List.of(CostGroup.CUSTOMER));
            // the customers' cost and margin, as the Billing page and the invoices have them; the cost of accounts no
            // customer claims is the MSP's own and is named beside, so the two pages never show two margins
            BigDecimal unassigned = unassignedIn(total);
            BigDecimal cost = total.totalCost().orElse(BigDecimal.ZERO).subtract(unassigned);
            BigDecimal charge = total.totalCharge();
            String when = Display.period(p);
            kpis.add(new Kpi("Cost", total.rows().isEmpty() ? "—" : Display.money(cost, currency),
                    when + (unassigned.signum() == 0 ? "" : ", plus " + Display.money(unassigned, currency)
                            + " unassigned")));
            kpis.add(new Kpi("Charge", total.rows().isEmpty() ? "—" : Display.money(charge, currency), when));
            kpis.add(new Kpi("Margin", total.rows().isEmpty() ? "—" : Display.money(charge.subtract(cost), currency),
                    when + (cost.signum() == 0 ? "" : ", " + Display.percent(charge.subtract(cost), cost) + " of cost")));
        }
        model.addAttribute("kpis", kpis);
        model.addAttribute("periodLabel", Display.period(latest));
        model.addAttribute("period", latest.toString());
        BigDecimal unassigned = unassignedIn(byCustomer);
        model.addAttribute("unassigned", Display.money(unassigned, currency));
        List<CostFigures.Row> customers = new ArrayList<>(byCustomer.rows().stream()
                .filter(r -> r.keys().getFirst() != null).toList());
        customers.sort(Comparator.comparing(CostFigures.Row::charge).reversed());
        model.addAttribute("customers", customers.stream().map(r -> {
            BigDecimal margin = r.margin().orElse(BigDecimal.ZERO);
            return new CustomerRow(r.keys().getFirst(), Display.money(r.cost().orElse(BigDecimal.ZERO), currency),
                    Display.money(r.charge(), currency), Display.money(margin, currency), margin.signum() < 0);
        }).toList());
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("currency", currency);
        chart.put("customers", customers.stream().map(r -> r.keys().getFirst()).toList());
        chart.put("charges", customers.stream().map(r -> r.charge().toPlainString()).toList());
        chart.put("margins", customers.stream().map(r -> r.margin().orElse(BigDecimal.ZERO).toPlainString()).toList());
        model.addAttribute("chart", JSON.writeValueAsString(chart));
    }
}

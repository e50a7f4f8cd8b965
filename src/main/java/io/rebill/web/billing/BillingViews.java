package io.rebill.web.billing;

import io.rebill.identity.Actor;
import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.BillRuns;
import io.rebill.invoicing.BillingOverview;
import io.rebill.invoicing.InvoiceStatus;
import io.rebill.shared.cache.Lru;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.web.Amounts;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The Billing page's and the billing API's view of a period, computed once per version of what it is made of
 * ({@link BillRuns#version}: the period's runs, invoices and close, read from the database on every request in one
 * indexed statement) and kept: a closed period never changes, an open one only when a run, an invoice action or the
 * close commits, and the next request after that reads a new version and computes the view again. So no view is
 * ever older than the database, with two servers on one database as with one (issue 11 item 8).
 *
 * <p>The page's figures, charts and tables (200 customer rows at the benchmark) are rendered to HTML once per
 * version, with a plain context (templates/billing-period.html): rendering them on every view was most of the page's
 * CPU. Keys carry the MSP; only MSP actors with View Managed Accounts reach a
 * view (the version's read checks it first), and nothing here is shown to a customer account.
 */
@Component
class BillingViews {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CHART_SERVICES = 12;

    private final BillRuns runs;
    private final ITemplateEngine templates;
    private final String root;
    private final Map<Key, PeriodView> pages = Lru.of(64);
    private final Map<Key, BillingApi.OverviewJson> apis = Lru.of(64);

    BillingViews(BillRuns runs, ITemplateEngine templates, @Value("${server.servlet.context-path:}") String root) {
        this.runs = runs;
        this.templates = templates;
        this.root = root;
    }

    record Key(UUID msp, BillingPeriod period, String version) {
    }

    /**
     * Everything of the Billing page that the period's data decides: the run's status box, what the buttons depend
     * on, and the figures, charts and tables as HTML; the viewer's own parts (menu, buttons) are the page's.
     */
    /** {@code shown}: the id of the run whose drafts the figures are (the status poll reloads when it changes). */
    record PeriodView(BillingPage.RunView run, String closed, boolean empty, long drafts, String html, String shown) {
    }

    /** The period's figures as templates/billing-period.html shows them, formatted. */
    record Figures(boolean empty, String totalCost, String totalCharge, String totalMargin, String totalMarginPercent,
                   String unassignedCost, List<Map<String, String>> unassigned, boolean reconciles,
                   List<Map<String, String>> reconciliation, String chart) {
    }

    /** One customer row of the page, formatted. */
    record Row(String name, String cost, String charge, String margin, String marginPercent, boolean negative,
               String status, String statusLabel, String number, String invoiceId, String total) {
    }

    PeriodView page(Actor actor, BillingPeriod period) {
        Key key = key(actor, period);
        PeriodView view = pages.get(key);
        if (view == null) {
            view = pageOf(actor, period, runs.overview(actor, period));
            pages.put(key, view);
        }
        return view;
    }

    BillingApi.OverviewJson json(Actor actor, BillingPeriod period) {
        Key key = key(actor, period);
        BillingApi.OverviewJson json = apis.get(key);
        if (json == null) {
            json = BillingApi.OverviewJson.of(runs.overview(actor, period));
            apis.put(key, json);
        }
        return json;
    }

    /** The version first, the figures after: a view stored under a key is never older than the key. */
    private Key key(Actor actor, BillingPeriod period) {
        String version = runs.version(actor, period);
        return new Key(actor.requireMsp(), period, version);
    }

    private PeriodView pageOf(Actor actor, BillingPeriod p, BillingOverview o) {
        String currency = o.currency();
        List<Row> rows = o.customers().stream().map(c -> row(c, currency)).toList();
        Figures figures = new Figures(rows.isEmpty(), money(o.totalCost(), currency), money(o.totalCharge(), currency),
                money(o.totalMargin(), currency), o.totalCost().signum() == 0 ? "—"
                : o.totalMargin().multiply(BigDecimal.valueOf(100)).divide(o.totalCost(), 1, RoundingMode.HALF_UP)
                .toPlainString() + " %", money(o.unassignedCost(), currency),
                o.unassigned().stream().map(u -> Map.of("account", u.subAccountId(), "payer", u.billingAccountId(),
                        "lines", Amounts.count(u.lineCount()), "cost", money(u.cost(), currency))).toList(),
                o.reconciles(),
                o.reconciliation().stream().map(r -> Map.of("payer", r.billingAccountId(), "basis", r.basis(),
                        "customers", money(r.customers(), currency), "unassigned", money(r.unassigned(), currency),
                        "ingested", money(r.ingested(), currency), "holds", r.holds() ? "Holds" : "Differs by "
                                + r.customers().add(r.unassigned()).subtract(r.ingested()).toPlainString())).toList(),
                chart(actor, p, o));
        String html = templates.process("billing-period", new Context(Locale.ENGLISH,
                Map.of("f", figures, "rows", rows, "root", root)));
        return new PeriodView(BillingPage.runView(o.latestRun()),
                o.closed().map(c -> "Closed by " + c.by() + ", " + BillingPage.when(c.at())).orElse(""),
                rows.isEmpty(), o.customers().stream().filter(c -> c.invoice()
                .filter(i -> i.status() == InvoiceStatus.DRAFT).isPresent()).count(), html,
                o.billedBy().map(r -> r.id().toString()).orElse(""));
    }

    private static Row row(BillingOverview.CustomerRow c, String currency) {
        Optional<BillingOverview.InvoiceRef> i = c.invoice();
        return new Row(c.name(), money(c.cost(), currency), money(c.charge(), currency), money(c.margin(), currency),
                c.marginPercent().map(m -> m.setScale(1, RoundingMode.HALF_UP).toPlainString() + " %").orElse("—"),
                c.margin().signum() < 0, i.map(x -> x.status().dbName()).orElse("none"),
                i.map(x -> x.status().label()).orElse("No invoice"),
                i.flatMap(BillingOverview.InvoiceRef::number).orElse(""), i.map(x -> x.id().toString()).orElse(""),
                i.map(x -> money(x.total(), currency)).orElse("—"));
    }

    /**
     * Chart data as JSON for charts.js: margin per customer (the run's figures), charge per service (the invoices'
     * lines) and margin per service (issue 11 item 5: the daily aggregate the same run wrote, charge minus cost of the
     * customers' rows; the cost of accounts nobody claims is not a customer's margin and is left out).
     */
    private String chart(Actor actor, BillingPeriod p, BillingOverview o) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("currency", o.currency());
        data.put("customers", o.customers().stream().map(BillingOverview.CustomerRow::name).toList());
        data.put("margins", o.customers().stream().map(c -> c.margin().setScale(2, RoundingMode.HALF_UP)
                .toPlainString()).toList());
        Map<String, BigDecimal> byService = runs.chargeByService(actor, p, CHART_SERVICES);
        data.put("services", List.copyOf(byService.keySet()));
        data.put("charges", byService.values().stream().map(BigDecimal::toPlainString).toList());
        Map<String, BigDecimal> margins = runs.marginByService(actor, p, CHART_SERVICES);
        data.put("marginServices", List.copyOf(margins.keySet()));
        data.put("serviceMargins", margins.values().stream().map(m -> m.setScale(2, RoundingMode.HALF_UP)
                .toPlainString()).toList());
        return JSON.writeValueAsString(data);
    }

    private static String money(BigDecimal amount, String currency) {
        return BillingPage.money(amount, currency);
    }
}

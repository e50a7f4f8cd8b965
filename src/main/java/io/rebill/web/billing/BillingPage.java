package io.rebill.web.billing;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.BillRuns;
import io.rebill.invoicing.BillingOverview;
import io.rebill.invoicing.Invoices;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.web.Amounts;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The MSP's Billing page (issue 11): per period, each customer's cost, charge, margin and invoice, totals, charts of
 * margin by customer and by service and charge by service, the run's status with its progress, unassigned accounts and
 * reconciliation; buttons to bill now and to close the period. Actions go through the same facades as the API.
 */
@Controller
class BillingPage {
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH);
    private final BillRuns runs;
    private final Invoices invoices;
    private final BillingViews views;
    private final RenderedRows rendered;
    private final View page;

    BillingPage(BillRuns runs, Invoices invoices, BillingViews views, RenderedRows rendered, KeptPages kept) {
        this.runs = runs;
        this.invoices = invoices;
        this.views = views;
        this.rendered = rendered;
        this.page = kept.view("billing");
    }

    record PeriodOption(String value, String label, boolean selected) {
    }

    record RunView(String status, String label, String detail, boolean busy, boolean failed) {
    }

    @GetMapping("/billing")
    String latest(Actor actor) {
        List<BillingPeriod> periods = runs.periods(actor);
        return periods.isEmpty() ? "redirect:/billing/" + BillingPeriod.parse(java.time.YearMonth.now().toString())
                : "redirect:/billing/" + periods.getFirst();
    }

    /** The page, kept whole per model (the viewer's frame included) with the CSRF token put in per request. */
    @GetMapping("/billing/{period}")
    View period(Actor actor, @PathVariable String period, Model model) {
        BillingPeriod p = BillingPeriod.parse(period);
        BillingViews.PeriodView view = views.page(actor, p);
        model.addAttribute("period", p.toString());
        model.addAttribute("periodLabel", label(p));
        // the period list as HTML, rendered once per content: 24 options cost three expressions each per view
        model.addAttribute("periodOptions", rendered.of("billing-periods", runs.periods(actor).stream()
                .map(x -> new PeriodOption(x.toString(), label(x), x.equals(p))).toList()));
        model.addAttribute("canManage", actor.can(Permission.MANAGE_MANAGED_ACCOUNTS));
        model.addAttribute("view", view);
        model.addAttribute("run", view.run());
        model.addAttribute("shown", view.shown());
        return page;
    }

    /** The run status box, polled by htmx while a run is queued or running; a finished run reloads the page. */
    @GetMapping("/billing/{period}/status")
    String status(Actor actor, @PathVariable String period, @RequestParam(defaultValue = "") String shown, Model model,
                  HttpServletResponse response) {
        BillingPeriod p = BillingPeriod.parse(period);
        BillingOverview o = runs.overview(actor, p);
        RunView view = runView(o.latestRun());
        // the page reloads once a run's drafts are ready (its figures come next) and when the run has finished
        String billed = o.billedBy().map(r -> r.id().toString()).orElse("");
        if (!view.busy() || !billed.equals(shown)) {
            response.setHeader("HX-Refresh", "true");
        }
        model.addAttribute("run", view);
        model.addAttribute("shown", billed);
        model.addAttribute("period", p.toString());
        return "billing :: runstatus";
    }

    @PostMapping("/billing/{period}/run")
    String run(Actor actor, @PathVariable String period, RedirectAttributes redirect) {
        try {
            runs.request(actor, BillingPeriod.parse(period));
            redirect.addFlashAttribute("message", "Billing " + label(BillingPeriod.parse(period)) + " now.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/billing/" + period;
    }

    @PostMapping("/billing/{period}/close")
    String close(Actor actor, @PathVariable String period, RedirectAttributes redirect) {
        try {
            invoices.close(actor, BillingPeriod.parse(period));
            redirect.addFlashAttribute("message", label(BillingPeriod.parse(period)) + " is closed.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/billing/" + period;
    }

    static RunView runView(Optional<BillRun> latest) {
        if (latest.isEmpty()) {
            return new RunView("none", "Not billed yet", "Run the bill to draft this period's invoices.", false, false);
        }
        BillRun r = latest.get();
        String who = " · " + switch (r.trigger()) {
            case MANUAL -> "run by " + r.requestedBy();
            case INGEST -> "after new data in " + r.requestedBy();
            case CONFIGURATION -> "after " + r.requestedBy();
            case SETUP -> "at setup";
        };
        return switch (r.status()) {
            case QUEUED -> new RunView("queued", "Queued", "Waiting to start" + who, true, false);
            case RUNNING -> r.draftsTook().isPresent()
                    ? new RunView("running", "Drafts ready", "Drafts ready in " + seconds(r.draftsTook().get())
                    + " · updating the cost reports" + who, true, false)
                    : new RunView("running", "Billing…", r.progress().orElse("starting") + who, true, false);
            case SUCCEEDED -> new RunView("succeeded", "Billed", when(r.finishedAt().orElse(r.requestedAt()))
                    + r.took().map(d -> " in " + seconds(d)).orElse("")
                    + r.draftsTook().filter(d -> r.took().filter(d::equals).isEmpty())
                    .map(d -> " (drafts ready in " + seconds(d) + ")").orElse("")
                    + r.lineCount().map(n -> " · " + Amounts.count(n) + " line items").orElse("")
                    + (r.reconciles().orElse(false) ? " · reconciled" : " · reconciliation differs") + who, false, false);
            case FAILED -> new RunView("failed", "Failed", r.error().orElse("unknown error")
                    + " · the figures below are from the last successful run", false, true);
        };
    }

    private static String seconds(java.time.Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String label(BillingPeriod p) {
        return p.month().getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + p.month().getYear();
    }

    static String when(Instant at) {
        return WHEN.format(at.atZone(ZoneId.systemDefault()));
    }

    static String money(BigDecimal amount, String currency) {
        return currency + " " + Amounts.display(amount);
    }
}

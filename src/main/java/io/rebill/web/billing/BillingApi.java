package io.rebill.web.billing;

import io.rebill.identity.Actor;
import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.BillRuns;
import io.rebill.invoicing.BillingOverview;
import io.rebill.invoicing.Invoices;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.web.portal.PageJson;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Bill runs and the MSP's Billing overview of a period (issue 11). Reading needs View Managed Accounts, running and
 * closing Manage Managed Accounts: Owner and Integration Owner; Editor, Viewer and customer accounts get 403.
 * Amounts are exact decimals as strings.
 */
@RestController
@RequestMapping("/api/v1")
class BillingApi {
    private final BillRuns runs;
    private final Invoices invoices;
    private final BillingViews views;

    BillingApi(BillRuns runs, Invoices invoices, BillingViews views) {
        this.runs = runs;
        this.invoices = invoices;
        this.views = views;
    }

    record SourceJson(String integration, String generation) {
    }

    record RunJson(UUID id, String period, String status, String trigger, String requestedBy, Instant requestedAt,
                   Optional<Instant> startedAt, Optional<Instant> draftsReadyAt, Optional<Long> draftsTookMs,
                   Optional<Instant> finishedAt, Optional<Long> tookMs,
                   Optional<String> configHash, List<SourceJson> sources, Optional<Long> lineCount,
                   Optional<Boolean> reconciles, Optional<String> progress, Optional<String> error,
                   Optional<Instant> figuresRebuiltAt, Optional<String> figuresError) {
        static RunJson of(BillRun r) {
            return new RunJson(r.id(), r.period().toString(), r.status().dbName(), r.trigger().dbName(),
                    r.requestedBy(), r.requestedAt(), r.startedAt(), r.draftsReadyAt(),
                    r.draftsTook().map(d -> d.toMillis()), r.finishedAt(), r.took().map(d -> d.toMillis()),
                    r.configHash(), r.sources().stream().map(s -> new SourceJson(s.integration(), s.generation()))
                    .toList(), r.lineCount(), r.reconciles(), r.progress(), r.error(), r.figuresRebuiltAt(),
                    r.figuresError());
        }
    }

    @GetMapping("/bill_runs")
    PageJson<RunJson> list(Actor actor, @RequestParam Optional<String> period,
                           @RequestParam(defaultValue = "0") int offset, @RequestParam(defaultValue = "50") int limit) {
        var page = runs.runs(actor, period.map(BillingPeriod::parse), new PageRequest(offset, limit)).map(RunJson::of);
        return PageJson.of(page, "/api/v1/bill_runs");
    }

    record RunRequest(String period) {
    }

    /** Bills the period in the background; the answer is the queued run (poll it, or watch the Billing page). */
    @PostMapping("/bill_runs")
    ResponseEntity<RunJson> request(Actor actor, @RequestBody RunRequest body) {
        if (body.period() == null || body.period().isBlank()) {
            throw new io.rebill.shared.errors.RebillException(io.rebill.shared.errors.ErrorCode.BAD_ARGUMENT,
                    "period: required, e.g. {\"period\": \"2026-10\"}");
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(RunJson.of(runs.request(actor,
                BillingPeriod.parse(body.period()))));
    }

    @GetMapping("/bill_runs/{id}")
    RunJson run(Actor actor, @PathVariable UUID id) {
        return RunJson.of(runs.run(actor, id));
    }

    record InvoiceRefJson(UUID id, String status, Optional<String> number, String total) {
    }

    record CustomerJson(String key, Optional<UUID> accountId, String name, String cost, String charge, String margin,
                        Optional<String> marginPercent, long lineCount, Optional<InvoiceRefJson> invoice) {
    }

    record UnassignedJson(String billingAccountId, String subAccountId, long lineCount, String cost) {
    }

    record ReconciliationJson(String billingAccountId, String basis, String customers, String unassigned,
                              String ingested, boolean holds) {
    }

    record OverviewJson(String period, String currency, Optional<RunJson> latestRun, Optional<RunJson> billedBy,
                        List<CustomerJson> customers, String totalCost, String totalCharge, String totalMargin,
                        String unassignedCost, List<UnassignedJson> unassigned, boolean reconciles,
                        List<ReconciliationJson> reconciliation, boolean closed, Optional<Instant> closedAt,
                        Optional<String> closedBy) {
        static OverviewJson of(BillingOverview o) {
            return new OverviewJson(o.period().toString(), o.currency(), o.latestRun().map(RunJson::of),
                    o.billedBy().map(RunJson::of), o.customers().stream().map(c -> new CustomerJson(c.key(),
                    c.accountId(), c.name(), exact(c.cost()), exact(c.charge()),
                    exact(c.margin()), c.marginPercent().map(BillingApi::exact),
                    c.lineCount(), c.invoice().map(i -> new InvoiceRefJson(i.id(), i.status().dbName(), i.number(),
                    i.total().toPlainString())))).toList(), exact(o.totalCost()),
                    exact(o.totalCharge()), exact(o.totalMargin()), exact(o.unassignedCost()),
                    o.unassigned().stream().map(u -> new UnassignedJson(u.billingAccountId(), u.subAccountId(),
                            u.lineCount(), exact(u.cost()))).toList(), o.reconciles(),
                    o.reconciliation().stream().map(r -> new ReconciliationJson(r.billingAccountId(), r.basis(),
                            exact(r.customers()), exact(r.unassigned()), exact(r.ingested()),
                            r.holds())).toList(), o.closed().isPresent(), o.closed().map(BillingOverview.Closed::at),
                    o.closed().map(BillingOverview.Closed::by));
        }
    }

    /** An exact amount without trailing zeros: 110.005000 -> "110.005" (the API never rounds). */
    static String exact(java.math.BigDecimal amount) {
        return amount.signum() == 0 ? "0" : amount.stripTrailingZeros().toPlainString();
    }

    @GetMapping("/billing/{period}")
    OverviewJson overview(Actor actor, @PathVariable String period) {
        // kept per version of the period's runs, invoices and close (BillingViews): an issue, a void or a run
        // committed by any server shows at the next request
        return views.json(actor, BillingPeriod.parse(period));
    }

    /** Closes the period once every invoice of it is issued; afterwards nothing of it changes. */
    @PostMapping("/billing/{period}/close")
    OverviewJson close(Actor actor, @PathVariable String period) {
        BillingPeriod p = BillingPeriod.parse(period);
        invoices.close(actor, p);
        return OverviewJson.of(runs.overview(actor, p));
    }
}

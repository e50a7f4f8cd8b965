package io.rebill.invoicing;

import io.rebill.billingconfig.BillingRules;
import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.invoicing.internal.CloseStore;
import io.rebill.invoicing.internal.Corrections;
import io.rebill.invoicing.internal.DetailsStore;
import io.rebill.invoicing.internal.Drafts;
import io.rebill.invoicing.internal.InvoiceStore;
import io.rebill.invoicing.internal.RunStore;
import io.rebill.invoicing.internal.RunWorker;
import io.rebill.rules.Billing;
import io.rebill.rules.MspConfig;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Bill runs inside the application (issue 11): on demand, and by themselves when an integration ingests a period or
 * the MSP's configuration changes. What a run bills is the portal's configuration for the period (the same text
 * {@code GET /billing_config} exports) over the stored line items of the MSP's integrations. Running, issuing and
 * closing are MSP actions on managed accounts (View / Manage Managed Accounts: Owner and Integration Owner).
 */
public final class BillRuns implements AutoCloseable {
    private final RunStore runs;
    private final InvoiceStore invoices;
    private final CloseStore closes;
    private final RunWorker worker;
    private final io.rebill.invoicing.internal.FiguresRebuild figures;
    private final BillingRules rules;
    private final Integrations integrations;
    private final Ingestion ingestion;
    private final Accounts accounts;
    private final AuditLog audit;
    private final boolean automatic;
    private final Billing billing;
    private volatile java.util.function.BiFunction<UUID, String, io.rebill.shared.money.ExchangeRates> exchangeRates =
            (msp, currency) -> io.rebill.shared.money.ExchangeRates.none(currency);
    private final io.rebill.costs.DailyCosts daily;
    private final Duration coalesce;
    private final ServiceMargins serviceMargins;

    /**
     * @param coalesce  how long an automatic run waits for more changes before it starts
     * @param automatic whether new data and configuration changes bill by themselves ({@code rebill.billing.automatic})
     * @param daily     where a successful run's daily cost aggregate goes (the costs feature's reports read it)
     */
    public BillRuns(JdbcClient jdbc, TransactionTemplate tx, BillingRules rules, Integrations integrations,
                    Ingestion ingestion, Accounts accounts, Billing billing, AuditLog audit, Duration coalesce,
                    boolean automatic, io.rebill.costs.DailyCosts daily) {
        this.automatic = automatic;
        this.billing = billing;
        this.daily = daily;
        this.serviceMargins = new ServiceMargins(daily);
        this.runs = new RunStore(jdbc);
        this.invoices = new InvoiceStore(jdbc);
        this.closes = new CloseStore(jdbc);
        this.rules = rules;
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.accounts = accounts;
        this.audit = audit;
        Drafts drafts = new Drafts(jdbc, invoices, new DetailsStore(jdbc));
        this.worker = new RunWorker(runs, drafts, daily, new Corrections(jdbc, invoices, billing), tx, billing,
                new RunWorker.Inputs() {
            @Override
            public RunWorker.Resolved resolve(UUID msp, BillingPeriod period) {
                return inputs(msp, period);
            }

            @Override
            public boolean closed(UUID msp, BillingPeriod period) {
                return closes.find(msp, period).isPresent();
            }

            @Override
            public Optional<String> keyOf(UUID msp, UUID account) {
                return accounts.find(account).filter(a -> a.managedBy(msp)).map(Account::key);
            }

            @Override
            public java.util.Set<BillingPeriod> openPeriods(UUID msp) {
                java.util.Set<BillingPeriod> open = new java.util.HashSet<>(runs.periods(msp));
                open.removeIf(p -> closes.find(msp, p).isPresent());
                return open;
            }
        }, msp -> key -> accounts.managedByKey(msp, key).map(Account::id), 1);
        this.figures = new io.rebill.invoicing.internal.FiguresRebuild(jdbc, runs, closes, worker, billing, daily,
                ingestion, (msp, currency) -> exchangeRates.apply(msp, currency),
                msp -> key -> accounts.managedByKey(msp, key).map(Account::id));
        this.coalesce = coalesce;
    }

    /**
     * Called with the MSP, run and period after each successful run has committed (budgets and alerts evaluate
     * then); on the run's thread, so a listener hands long work to its own.
     */
    public void onFinished(java.util.function.Consumer<RunFinished> listener) {
        worker.onFinished(listener);
    }

    /**
     * Where a run reads the MSP's exchange rates into its currency (issue 13 item 6: the rates feature); without it
     * every line must be in the MSP's currency.
     */
    public void exchangeRatesFrom(java.util.function.BiFunction<UUID, String, io.rebill.shared.money.ExchangeRates> rates) {
        this.exchangeRates = rates;
    }

    /**
     * Fails the runs a stopped server left running and queues the waiting ones again; a period whose run stopped
     * after its drafts were committed (its cost figures not yet) is billed again, so that its reports match its drafts.
     */
    public void recover() {
        RunStore.Left left = runs.recover();
        java.util.Set<String> queued = new java.util.HashSet<>();
        left.queued().forEach(r -> {
            queued.add(r.mspId() + "/" + r.period());
            worker.submit(r, Duration.ZERO);
        });
        for (BillRun r : left.interrupted()) {
            if (r.draftsReadyAt().isPresent() && closes.find(r.mspId(), r.period()).isEmpty()
                    && queued.add(r.mspId() + "/" + r.period())) {
                worker.submit(runs.queue(r.mspId(), r.period(), RunTrigger.SETUP,
                        "Rebill (a run the server's stop interrupted)"), Duration.ZERO);
            }
        }
    }

    /**
     * At start, periods whose run kept no fine aggregate files (an earlier version's data folder, issue 11 item 8):
     * open ones are billed again (the runs returned), closed ones' files rebuilt ({@link #rebuildClosedFigures}).
     */
    public List<BillRun> refreshStoredFigures() {
        return figures.refresh();
    }

    /** Rebuilds closed periods' missing fine files in the background (docs/costs.md); answers the runs rebuilt. */
    public java.util.concurrent.CompletableFuture<List<UUID>> rebuildClosedFigures() {
        return figures.rebuildClosed();
    }

    /** Bills the period now (the Billing page's button, {@code POST /bill_runs}). */
    public BillRun request(Actor actor, BillingPeriod period) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
        closes.requireOpen(msp, period);
        BillRun run = runs.queue(msp, period, RunTrigger.MANUAL, actor.createdBy());
        audit.record(actor, "bill_run.request", run.id().toString(), Map.of("period", period.toString()));
        worker.submit(run, Duration.ZERO);
        return run;
    }

    /**
     * A run nobody asked for by hand (setup, new data, a changed configuration); none for a closed period, and none
     * for new data or a changed configuration when automatic runs are off.
     */
    public Optional<BillRun> requestAutomatically(UUID msp, BillingPeriod period, RunTrigger trigger, String by) {
        if (trigger.automatic() && !automatic) {
            return Optional.empty();
        }
        if (closes.find(msp, period).isPresent()) {
            // restated data of a closed period is billed as corrections by the next open period that has data
            Optional<BillingPeriod> next = storedPeriods(msp).stream().filter(p -> p.compareTo(period) > 0)
                    .filter(p -> closes.find(msp, p).isEmpty()).min(Comparator.naturalOrder());
            return next.isEmpty() || trigger != RunTrigger.INGEST ? Optional.empty()
                    : requestAutomatically(msp, next.get(), trigger, by);
        }
        BillRun run = runs.queue(msp, period, trigger, by);
        // stored data is complete when an ingest reports it (each ingest is atomic), so its run waits only for the
        // other periods and integrations of the same sync; edits come in bursts of clicks and wait longer
        worker.submit(run, !trigger.automatic() ? Duration.ZERO
                : trigger == RunTrigger.INGEST ? min(coalesce, INGEST_COALESCE) : coalesce);
        return Optional.of(run);
    }

    /** How long a run after an ingest waits at most for more ingests before it starts. */
    static final Duration INGEST_COALESCE = Duration.ofMillis(250);

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** An integration of {@code account} stored new data for these periods: an MSP's drafts follow. */
    public void ingested(UUID account, List<BillingPeriod> periods, String by) {
        if (accounts.find(account).filter(Account::isMsp).isPresent()) {
            periods.forEach(p -> requestAutomatically(account, p, RunTrigger.INGEST, by));
        }
    }

    /** The MSP's configuration changed: every open period with drafts, and the latest period with data, bill again. */
    public void configurationChanged(UUID msp) {
        TreeSet<BillingPeriod> periods = new TreeSet<>(invoices.draftPeriods(msp));
        storedPeriods(msp).stream().max(Comparator.naturalOrder()).ifPresent(periods::add);
        periods.forEach(p -> requestAutomatically(msp, p, RunTrigger.CONFIGURATION, "configuration change"));
    }

    public Page<BillRun> runs(Actor actor, Optional<BillingPeriod> period, PageRequest page) {
        return runs.list(viewer(actor), period, page);
    }

    public BillRun run(Actor actor, UUID id) {
        return runs.find(viewer(actor), id).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID,
                "no bill run " + id));
    }

    /**
     * The period's latest successful run, whose kept lines are the period's re-billed lines (issue 12); for the
     * caller to scope (the costs feature's viewer).
     */
    public Optional<BillRun> latestSucceeded(UUID msp, BillingPeriod period) {
        return runs.latestSucceeded(msp, period);
    }

    /** The period's run that is running now, if any (closing waits for it). */
    Optional<BillRun> running(UUID msp, BillingPeriod period) {
        return runs.running(msp, period);
    }

    /** Waits (polling) until the run has finished; for setup and tests. */
    public BillRun await(UUID msp, UUID id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            BillRun run = runs.find(msp, id).orElseThrow();
            if (run.status().finished() || System.nanoTime() > deadline) {
                return run;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return run;
            }
        }
    }

    /** Periods the MSP can bill or has billed, newest first. */
    public List<BillingPeriod> periods(Actor actor) {
        UUID msp = viewer(actor);
        TreeSet<BillingPeriod> all = new TreeSet<>(Comparator.reverseOrder());
        all.addAll(storedPeriods(msp));
        all.addAll(runs.periods(msp));
        return new ArrayList<>(all);
    }

    /**
     * The version of the period's overview, its charts included: it changes with every committed change of the
     * period's runs, invoices or close (by any server or command), and only then. One indexed statement; a view cached
     * under it is read after it, so it is never older than its key (issue 11 item 8).
     */
    public String version(Actor actor, BillingPeriod period) {
        return invoices.periodVersion(viewer(actor), period);
    }

    /** The MSP's Billing page for a period: figures of the latest successful run, invoices, reconciliation. */
    public BillingOverview overview(Actor actor, BillingPeriod period) {
        UUID msp = viewer(actor);
        Optional<BillRun> latest = runs.latest(msp, period);
        // the run whose drafts stand: its figures are the drafts' (its cost figures for the reports may follow)
        Optional<BillRun> billed = runs.latestBilled(msp, period);
        Map<UUID, BillingOverview.InvoiceRef> refs = new java.util.HashMap<>();
        Map<UUID, UUID> customerOf = new java.util.HashMap<>();
        for (BillingOverview.InvoiceRef ref : invoices.refs(msp, period, customerOf)) {
            refs.merge(customerOf.get(ref.id()), ref, (a, b) -> rank(a) <= rank(b) ? a : b);
        }
        List<BillingOverview.CustomerRow> rows = billed.map(r -> runs.customers(msp, r.id())).orElse(List.of())
                .stream().map(c -> new BillingOverview.CustomerRow(c.key(), c.accountId(), c.name(), c.cost(),
                        c.charge(), c.lineCount(), c.accountId().map(refs::get))).toList();
        List<BillingOverview.Unassigned> unassigned = new ArrayList<>();
        List<BillingOverview.Reconciliation> reconciliation = new ArrayList<>();
        billed.flatMap(r -> runs.outcome(msp, r.id())).ifPresent(o -> {
            o.path("unassigned").forEach(u -> unassigned.add(new BillingOverview.Unassigned(
                    u.path("billing_account_id").asString(), u.path("sub_account_id").asString(),
                    u.path("line_count").asLong(), new java.math.BigDecimal(u.path("effective").asString()))));
            o.path("reconciliation").forEach(x -> reconciliation.add(new BillingOverview.Reconciliation(
                    x.path("billing_account_id").asString(), x.path("basis").asString(),
                    new java.math.BigDecimal(x.path("customers").asString()),
                    new java.math.BigDecimal(x.path("unassigned").asString()),
                    new java.math.BigDecimal(x.path("ingested").asString()), x.path("holds").asBoolean())));
        });
        String currency = accounts.find(msp).map(Account::currency).orElse("USD");
        return new BillingOverview(period, currency, latest, billed, rows, unassigned, reconciliation,
                closes.find(msp, period));
    }

    /**
     * The drill-down of an invoice (MSP only): its customer's lines billed again, over the period's current data,
     * with the configuration the invoice was billed with, summed per rule, with the lines the rules moved most.
     */
    public io.rebill.rules.RuleEffects ruleEffects(Actor actor, UUID invoiceId, int topLines) {
        UUID msp = viewer(actor);
        Invoice invoice = invoices.find(msp, invoiceId).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID,
                "no invoice " + invoiceId));
        String key = accounts.find(invoice.customerAccountId()).map(Account::key).orElseThrow();
        String yaml = invoice.runId().flatMap(run -> runs.configYaml(msp, run)).orElseThrow(() -> new RebillException(
                ErrorCode.UNKNOWN_ID, "the bill run of invoice " + invoiceId + " is gone; run the bill again"));
        MspConfig pinned = MspConfigFile.parse("the configuration of the invoice's bill run", yaml, e -> { });
        // the pinned text holds the rates the run used; a run pinned before msp.yaml had exchange_rates converts
        // at today's rates
        MspConfig config = pinned.exchangeRates().rates().isEmpty()
                ? pinned.withExchangeRates(exchangeRates.apply(msp, pinned.currency())) : pinned;
        return billing.ruleEffects(config, invoice.period(), inputs(msp, invoice.period()).files(), key, topLines);
    }

    /** The period's charge per service (and per charge or credit line) over its drafts and issued invoices. */
    public Map<String, java.math.BigDecimal> chargeByService(Actor actor, BillingPeriod period, int top) {
        return invoices.chargeByService(viewer(actor), period, top);
    }

    /**
     * The period's margin per service (charge minus cost) over the customers of its latest successful run, largest
     * first, at most {@code top} ({@link ServiceMargins}).
     */
    public Map<String, java.math.BigDecimal> marginByService(Actor actor, BillingPeriod period, int top) {
        UUID msp = viewer(actor);
        Optional<BillRun> billed = runs.latestSucceeded(msp, period);
        if (billed.isEmpty()) {
            return Map.of();
        }
        return serviceMargins.of(msp, billed.get().id(), period, top);
    }

    /** Which invoice of a customer's period the overview shows: the draft, else the issued one, else a void one. */
    private static int rank(BillingOverview.InvoiceRef ref) {
        return switch (ref.status()) {
            case DRAFT -> 0;
            case ISSUED -> 1;
            case VOID -> 2;
        };
    }

    UUID viewer(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        return msp;
    }

    private List<BillingPeriod> storedPeriods(UUID msp) {
        // on every Billing page view (its period list): the source names only, and each source's state by name
        // (kept per state.json file), not every integration's row and every source's state
        return integrations.sourceNames(msp).stream().map(ingestion::find).flatMap(Optional::stream)
                .flatMap(s -> s.periods().stream()).map(StoredPeriod::period).distinct().toList();
    }

    private RunWorker.Resolved inputs(UUID msp, BillingPeriod period) {
        MspConfig rulesConfig = rules.config(msp, period);
        // the period's rates only: the run's pinned msp.yaml names exactly the rates its bill used
        MspConfig config = rulesConfig.withExchangeRates(exchangeRates.apply(msp, rulesConfig.currency()).of(period));
        List<Path> files = new ArrayList<>();
        List<BillRun.PinnedSource> pinned = new ArrayList<>();
        for (Integration integration : integrations.of(msp)) {
            Optional<SourceState> state = ingestion.find(integration.sourceName());
            Optional<StoredPeriod> stored = state.flatMap(s -> s.period(period));
            if (stored.isPresent()) {
                pinned.add(new BillRun.PinnedSource(integration.sourceName(), integration.name(),
                        stored.get().generation()));
                files.addAll(ingestion.lineItemFiles(integration.sourceName(), period));
            }
        }
        if (files.isEmpty()) {
            throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "none of the MSP's integrations holds billing data for "
                    + period + "; ingest the period's files into an integration first");
        }
        return new RunWorker.Resolved(config, MspConfigFile.toYaml(config), files, pinned);
    }

    @Override
    public void close() {
        worker.close();
    }
}

package io.rebill.invoicing.internal;

import io.rebill.costs.DailyCosts;
import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.RunFinished;
import io.rebill.rules.BillResult;
import io.rebill.rules.Billing;
import io.rebill.rules.DailyBill;
import io.rebill.rules.MspConfig;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Executes bill runs in the background, never on a request's thread: one run per MSP at a time (each MSP has its
 * own queue), and at most {@code parallel} runs at once on the machine (each holds a DuckDB job). A run may wait
 * before it starts ({@link #submit}: the caller's coalescing of a burst of changes, billed once; requests meanwhile
 * join the queued run). A run that fails before its drafts keeps every earlier result and records why.
 */
public final class RunWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);

    /** What a run bills: the MSP's configuration for the period and the stored line items of its integrations. */
    public interface Inputs {
        Resolved resolve(UUID msp, BillingPeriod period);

        /** Whether the MSP closed the period (a closed period is never billed again). */
        boolean closed(UUID msp, BillingPeriod period);

        /** A customer account's key: its customer id in the configuration. */
        Optional<String> keyOf(UUID msp, UUID account);

        /** The MSP's periods that have runs and are not closed. */
        Set<BillingPeriod> openPeriods(UUID msp);
    }

    public record Resolved(MspConfig config, String yaml, List<Path> files, List<BillRun.PinnedSource> sources) {
    }

    private final RunStore runs;
    private final Drafts drafts;
    private final DailyCosts dailyCosts;
    private final Corrections corrections;
    private final TransactionTemplate tx;
    private final Billing billing;
    private final Inputs inputs;
    private final Function<UUID, Function<String, Optional<UUID>>> accountKeys;
    private final Semaphore machine;
    private final Map<UUID, ExecutorService> queues = new ConcurrentHashMap<>();
    private final Set<UUID> submitted = ConcurrentHashMap.newKeySet();
    private final List<java.util.function.Consumer<RunFinished>> finished =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Called on the run's thread after each successful run has committed; a listener's failure fails no run. */
    public void onFinished(java.util.function.Consumer<RunFinished> listener) {
        finished.add(listener);
    }

    public RunWorker(RunStore runs, Drafts drafts, DailyCosts dailyCosts, Corrections corrections, TransactionTemplate tx, Billing billing,
                     Inputs inputs, Function<UUID, Function<String, Optional<UUID>>> accountKeys, int parallel) {
        this.runs = runs;
        this.drafts = drafts;
        this.dailyCosts = dailyCosts;
        this.corrections = corrections;
        this.tx = tx;
        this.billing = billing;
        this.inputs = inputs;
        this.accountKeys = accountKeys;
        this.machine = new Semaphore(parallel);
    }

    /** Puts a queued run on its MSP's queue once, however often it is asked; it waits {@code wait} before it starts. */
    public void submit(BillRun run, Duration wait) {
        if (!submitted.add(run.id())) {
            return;
        }
        queue(run.mspId())
                .submit(() -> {
                    try {
                        if (wait.isPositive()) {
                            Thread.sleep(wait);
                        }
                        execute(run.mspId(), run.id(), run.period());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        submitted.remove(run.id());
                    }
                });
    }

    /**
     * Puts other DuckDB work of the MSP (a closed period's figures rebuild, {@link FiguresRebuild}) on the MSP's
     * queue between its runs, holding a share of the machine as a run does; the future completes with its answer.
     */
    public <T> java.util.concurrent.CompletableFuture<T> submitWork(UUID msp, java.util.concurrent.Callable<T> work) {
        java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
        queue(msp).submit(() -> {
            try {
                machine.acquire();
                try {
                    done.complete(work.call());
                } finally {
                    machine.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.completeExceptionally(e);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /** The MSP's queue: one thread, so its runs (and other work) run one at a time. */
    private ExecutorService queue(UUID msp) {
        return queues.computeIfAbsent(msp, m -> Executors.newSingleThreadExecutor(Thread.ofVirtual()
                .name("bill-run-" + m.toString().substring(0, 8)).factory()));
    }

    private void execute(UUID msp, UUID id, BillingPeriod period) throws InterruptedException {
        machine.acquire();
        try {
            if (!runs.start(msp, id)) {
                return;
            }
            long started = System.nanoTime();
            try {
                if (inputs.closed(msp, period)) {
                    throw new RebillException(io.rebill.shared.errors.ErrorCode.BAD_ARGUMENT, "billing period " + period
                            + " is closed; a closed period never changes (restated data is billed as corrections in"
                            + " the next open period)");
                }
                Resolved in = inputs.resolve(msp, period);
                runs.pin(msp, id, in.yaml(), sha256(in.yaml()), in.sources());
                Throttle throttle = new Throttle(m -> runs.progress(msp, id, m));
                // issue 11 item 8: two commits. The drafts (with the run's per-customer figures and outcome) as soon
                // as the bill is computed, so the MSP can issue in the time of the bill; then the daily and tag
                // aggregates and the re-billed lines (issue 12), which reports read, in the run's folder, and the
                // small rollup by customer, day, kind and service in PostgreSQL. Until the second commit, reports
                // show the previous run's figures (or say they are refreshing), never a mix.
                var tags = dailyCosts.tagDimensions(msp, in.config(), accountKeys.apply(msp));
                Function<String, Optional<UUID>> keys = accountKeys.apply(msp);
                // the corrections read closed periods only, so they are known before the bill (and their own
                // DuckDB job, when a closed period was restated, never runs beside this run's)
                runs.progress(msp, id, "checking closed periods for restated data");
                Map<UUID, List<io.rebill.invoicing.Invoice.Line>> corrected = corrections.forPeriod(msp, period,
                        p -> inputs.resolve(msp, p), account -> inputs.keyOf(msp, account), inputs.openPeriods(msp));
                int[] written = new int[1];
                try (DailyBill billed = billing.billDaily(in.config(), period, in.files(), tags,
                        Optional.of(billing.runFolder(msp, period, id)), throttle,
                        result -> written[0] = commitDrafts(msp, id, period, in, result, keys, corrected))) {
                    BillResult result = billed.result();
                    Map<String, Long> phases = new LinkedHashMap<>(billed.phaseMillis());
                    tx.executeWithoutResult(s -> {
                        phases.putAll(dailyCosts.replace(msp, id, period, keys, billed));
                        runs.finish(msp, id, result.lines(), result.reconciles(), outcome(result));
                    });
                    billing.keepOnlyRun(msp, period, id);
                    // one line an operator reads to see where a run's time went (issue 11 item 8)
                    log.info("Bill run {} of {}: {} lines, {} customers, {} drafts, {} daily cost rows, reconciliation {},"
                            + " {} ms ({})", id, period, result.lines(), result.customers().size(), written[0],
                            billed.count(), result.reconciles() ? "holds" : "FAILS",
                            (System.nanoTime() - started) / 1_000_000, phases(phases));
                }
                tellFinished(new RunFinished(msp, id, period));
            } catch (RebillException e) {
                log.info("Bill run {} of {} failed: {}", id, period, e.getMessage());
                runs.fail(msp, id, e.getMessage() + afterDrafts(msp, id, ""));
            } catch (RuntimeException e) {
                log.error("Bill run {} of {} failed", id, period, e);
                runs.fail(msp, id, "internal error: " + e + afterDrafts(msp, id, "; the previous results stay")
                        + "; see the server log");
            }
        } finally {
            machine.release();
        }
    }

    /** What a failed run leaves: its drafts when it failed after committing them, else the previous results. */
    private String afterDrafts(UUID msp, UUID id, String otherwise) {
        boolean drafted = runs.find(msp, id).flatMap(BillRun::draftsReadyAt).isPresent();
        return drafted ? "; its drafts stand, the reports show the previous run's cost figures until the next run"
                : otherwise;
    }

    /**
     * The run's first commit: each customer's draft (with the corrections it carries from closed periods), the run's
     * per-customer figures and its outcome, in one transaction. Returns how many drafts stand.
     */
    private int commitDrafts(UUID msp, UUID id, BillingPeriod period, Resolved in, BillResult result,
                             Function<String, Optional<UUID>> keys,
                             Map<UUID, List<io.rebill.invoicing.Invoice.Line>> corrected) {
        Integer n = tx.execute(s -> {
            int drafts = this.drafts.write(msp, id, period, in.config().currency(), result, keys, corrected);
            runs.draftsReady(msp, id, result.lines(), result.reconciles(), outcome(result));
            return drafts;
        });
        return n == null ? 0 : n;
    }

    /** {@code bill 1,234 ms, daily aggregate 56 ms, ...} in the order the phases ran (runs' and rebuilds' logs). */
    static String phases(Map<String, Long> phases) {
        StringBuilder text = new StringBuilder();
        phases.forEach((name, ms) -> text.append(text.isEmpty() ? "" : ", ").append(name).append(' ')
                .append(String.format(java.util.Locale.ROOT, "%,d", ms)).append(" ms"));
        return text.toString();
    }

    private void tellFinished(RunFinished run) {
        for (var listener : finished) {
            try {
                listener.accept(run);
            } catch (RuntimeException e) {
                log.error("A listener of bill run {} failed; the run stays succeeded", run.run(), e);
            }
        }
    }

    /** Progress lines reach the database at most twice a second. */
    private static final class Throttle implements java.util.function.Consumer<String> {
        private final java.util.function.Consumer<String> sink;
        private long last;

        Throttle(java.util.function.Consumer<String> sink) {
            this.sink = sink;
        }

        @Override
        public void accept(String message) {
            long now = System.nanoTime();
            if (now - last > 500_000_000L) {
                last = now;
                sink.accept(message.length() > 300 ? message.substring(0, 300) : message);
            }
        }
    }

    private static String outcome(BillResult r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("unassigned", r.unassigned().stream().map(u -> Map.of("billing_account_id", u.billingAccountId(),
                "sub_account_id", u.subAccountId(), "line_count", u.lineCount(), "billed", u.billed().toPlainString(),
                "effective", u.effective().toPlainString(), "list", u.list().toPlainString())).toList());
        o.put("reconciliation", r.reconciliation().stream().map(x -> Map.of("billing_account_id", x.billingAccountId(),
                "basis", x.basis(), "customers", x.customers().toPlainString(), "unassigned",
                x.unassigned().toPlainString(), "ingested", x.ingested().toPlainString(), "holds", x.holds())).toList());
        o.put("claimed_twice", r.claimedTwice().stream().map(c -> Map.of("sub_account_id", c.subAccountId(),
                "customers", c.customers(), "line_count", c.lineCount())).toList());
        o.put("warnings", r.warnings());
        o.put("took_ms", r.took().toMillis());
        return RunStore.JSON.writeValueAsString(o);
    }

    static String sha256(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        queues.values().forEach(ExecutorService::shutdownNow);
        for (ExecutorService q : queues.values()) {
            try {
                q.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

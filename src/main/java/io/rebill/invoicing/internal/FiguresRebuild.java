package io.rebill.invoicing.internal;

import io.rebill.costs.DailyCosts;
import io.rebill.costs.FineCosts;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.invoicing.BillRun;
import io.rebill.invoicing.RunTrigger;
import io.rebill.rules.BillResult;
import io.rebill.rules.Billing;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.MspConfig;
import io.rebill.rules.RebuiltFigures;
import io.rebill.rules.RunFiles;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.money.ExchangeRates;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The fine cost figures of periods an earlier version billed (issue 12; docs/costs.md, "Figures stored by an earlier
 * version"): their latest run kept no daily and tag aggregate files, which the reports by region, provider account,
 * category, charge type or tag read. At start an open period is billed again. A closed period never is: its run's
 * files are rebuilt, figures only, from the run's pinned inputs (its msp.yaml and the stored generations of the
 * sources it read), in the background on the MSP's queue. Invoices, drafts, numbers, the close and the figures by
 * day, service and customer are not touched; the rebuilt files are installed only when they give the run's stored
 * per-customer totals to the last digit. What cannot be rebuilt (a pinned generation a restatement replaced, totals
 * that differ) is recorded on the run, and the reports say so instead of asking to try again.
 */
public final class FiguresRebuild {
    private static final Logger log = LoggerFactory.getLogger(FiguresRebuild.class);
    private static final SqlStatements SQL = SqlStatements.load(FiguresRebuild.class,
            "/io/rebill/invoicing/figures-rebuild.sql");
    /** What the reports that need the files cannot show, in the words of the error they answer. */
    private static final String WHAT = " by region, provider account, category, charge type or tag";

    private final JdbcClient jdbc;
    private final RunStore runs;
    private final CloseStore closes;
    private final RunWorker worker;
    private final Billing billing;
    private final DailyCosts daily;
    private final Ingestion ingestion;
    private final BiFunction<UUID, String, ExchangeRates> rates;
    private final Function<UUID, Function<String, Optional<UUID>>> accountKeys;

    /**
     * @param rates       the MSP's exchange rates into a currency (a run pinned before msp.yaml held its rates)
     * @param accountKeys per MSP, a customer's id in the configuration to its account (whose virtual tags it has)
     */
    public FiguresRebuild(JdbcClient jdbc, RunStore runs, CloseStore closes, RunWorker worker, Billing billing,
                          DailyCosts daily, Ingestion ingestion, BiFunction<UUID, String, ExchangeRates> rates,
                          Function<UUID, Function<String, Optional<UUID>>> accountKeys) {
        this.jdbc = jdbc;
        this.runs = runs;
        this.closes = closes;
        this.worker = worker;
        this.billing = billing;
        this.daily = daily;
        this.ingestion = ingestion;
        this.rates = rates;
        this.accountKeys = accountKeys;
    }

    /**
     * At start: a bill run of every open period whose figures lack the fine files, and a rebuild of every closed
     * one's ({@link #rebuildClosed}). Returns the runs asked for.
     */
    public List<BillRun> refresh() {
        List<FineCosts.Missing> missing = daily.fine().missing();
        List<BillRun> queued = new ArrayList<>();
        for (FineCosts.Missing m : missing) {
            if (closes.find(m.msp(), m.period()).isEmpty()) {
                BillRun run = runs.queue(m.msp(), m.period(), RunTrigger.SETUP,
                        "Rebill (figures refresh after an upgrade)");
                worker.submit(run, Duration.ZERO);
                queued.add(run);
            }
        }
        rebuildClosed(missing);
        return queued;
    }

    /**
     * Rebuilds the fine files of every closed period whose run has none, each on its MSP's queue (one job at a time
     * per MSP, never on a request's thread). The answer completes, once all have finished, with the runs whose
     * files were installed.
     */
    public CompletableFuture<List<UUID>> rebuildClosed() {
        return rebuildClosed(daily.fine().missing());
    }

    private CompletableFuture<List<UUID>> rebuildClosed(List<FineCosts.Missing> missing) {
        List<CompletableFuture<Optional<UUID>>> each = new ArrayList<>();
        for (FineCosts.Missing m : missing) {
            if (closes.find(m.msp(), m.period()).isPresent()) {
                each.add(worker.submitWork(m.msp(), () -> rebuild(m.msp(), m.period(), m.run())
                        ? Optional.of(m.run()) : Optional.<UUID>empty()));
            }
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                .thenApply(v -> each.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
    }

    /**
     * One run's rebuild; true when it installed the files. Idempotent: files already there are left as they are.
     * Never throws: a rebuild that cannot be done is recorded on the run and logged; any other failure is logged and
     * tried again at the next start.
     */
    boolean rebuild(UUID msp, BillingPeriod period, UUID run) {
        Path folder = billing.runFolder(msp, period, run);
        if (Files.exists(folder.resolve(RunFiles.DAILY))) {
            return false;
        }
        long started = System.nanoTime();
        log.info("Rebuilding the fine cost figures of closed period {} (bill run {}, billed by an earlier version)"
                + " from the run's pinned configuration and stored data; its invoices and figures by day, service and"
                + " customer stay as they are", period, run);
        try {
            BillRun billRun = runs.find(msp, run).orElseThrow(() -> unavailable(period, run, "the bill run is gone"));
            MspConfig config = pinnedConfig(msp, period, run);
            List<Path> files = pinnedFiles(billRun);
            Map<String, RunStore.CustomerFigures> stored = new LinkedHashMap<>();
            runs.customers(msp, run).forEach(c -> stored.put(c.key(), c));
            RebuiltFigures rebuilt = billing.rebuildFigures(config, period, files,
                    daily.tagDimensions(msp, config, accountKeys.apply(msp)), folder, progress -> { },
                    (bill, charges, dailyFile) -> {
                        requireRunTotals(period, run, stored, bill, charges);
                        requireRunRollup(msp, period, run, dailyFile);
                    });
            jdbc.sql(SQL.get("figures-rebuilt")).param("msp", msp).param("run", run).update();
            log.info("Rebuilt the fine cost figures of closed period {} (bill run {}): {} daily rows, {} tag rows{};"
                    + " the {} customers' cost, charge and lines and the figures by day and service equal the run's"
                    + " to the last digit; {} ms ({})",
                    period, run, rebuilt.dailyRows(), rebuilt.tagRows(), rebuilt.linesKept()
                            ? ", the re-billed lines kept" : "", stored.size(),
                    (System.nanoTime() - started) / 1_000_000, RunWorker.phases(rebuilt.phaseMillis()));
            return true;
        } catch (RebillException e) {
            if (e.code() == ErrorCode.FIGURES_UNAVAILABLE) {
                jdbc.sql(SQL.get("figures-unavailable")).param("msp", msp).param("run", run)
                        .param("error", e.getMessage()).update();
            }
            log.warn("Could not rebuild the fine cost figures of closed period {} (bill run {}, {} ms): {}", period,
                    run, (System.nanoTime() - started) / 1_000_000, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            log.error("Rebuilding the fine cost figures of closed period {} (bill run {}) failed; the next start tries"
                    + " again", period, run, e);
            return false;
        }
    }

    /** The configuration the run billed with, as it pinned it (with today's rates if it pinned none). */
    private MspConfig pinnedConfig(UUID msp, BillingPeriod period, UUID run) {
        String yaml = runs.configYaml(msp, run).orElseThrow(() -> unavailable(period, run,
                "the bill run pinned no configuration"));
        MspConfig pinned;
        try {
            pinned = MspConfigFile.parse("the configuration of bill run " + run, yaml, expression -> { });
        } catch (RebillException e) {
            throw unavailable(period, run, "the configuration the bill run pinned no longer reads: " + e.getMessage());
        }
        return pinned.exchangeRates().rates().isEmpty()
                ? pinned.withExchangeRates(rates.apply(msp, pinned.currency()).of(period)) : pinned;
    }

    /**
     * The line item files of the generations the run read. The store keeps a period's current generation only (an
     * ingest that restates a period removes the one before), so a restated source's pinned generation is gone.
     */
    private List<Path> pinnedFiles(BillRun run) {
        if (run.sources().isEmpty()) {
            throw unavailable(run.period(), run.id(), "the bill run pinned no stored data");
        }
        List<Path> files = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (BillRun.PinnedSource source : run.sources()) {
            Optional<String> now = ingestion.find(source.source()).flatMap(s -> s.period(run.period()))
                    .map(StoredPeriod::generation);
            if (now.isPresent() && now.get().equals(source.generation())) {
                files.addAll(ingestion.lineItemFiles(source.source(), run.period()));
            } else {
                gone.add("generation " + source.generation() + " of integration '" + source.integration() + "'"
                        + now.map(g -> " (the store holds " + g + " now: the period was restated)")
                        .orElse(" (the store holds none of the period now)"));
            }
        }
        if (!gone.isEmpty()) {
            throw unavailable(run.period(), run.id(), "the stored data the bill run read is gone: "
                    + String.join("; ", gone) + ". A restatement of a closed period is billed as corrections in the"
                    + " next open period");
        }
        return files;
    }

    /** The rebuilt bill and daily file against the run's stored per-customer figures, to the last digit. */
    private static void requireRunTotals(BillingPeriod period, UUID run, Map<String, RunStore.CustomerFigures> stored,
                                         BillResult bill, Map<String, BigDecimal> dailyCharge) {
        Map<String, CustomerBill> rebuilt = new LinkedHashMap<>();
        bill.customers().forEach(c -> rebuilt.put(c.customerId(), c));
        TreeSet<String> keys = new TreeSet<>(stored.keySet());
        keys.addAll(rebuilt.keySet());
        List<String> differ = new ArrayList<>();
        for (String key : keys) {
            RunStore.CustomerFigures s = stored.get(key);
            CustomerBill c = rebuilt.get(key);
            if (s == null || c == null) {
                differ.add(key + (s == null ? " is not a customer of the run" : " is missing from the rebuilt bill"));
            } else if (s.cost().compareTo(c.cost()) != 0 || s.charge().compareTo(c.charge()) != 0
                    || s.lineCount() != c.lineCount()
                    || s.charge().compareTo(dailyCharge.getOrDefault(key, BigDecimal.ZERO)) != 0) {
                differ.add(key + ": cost " + plain(c.cost()) + ", charge " + plain(c.charge()) + " (daily figures "
                        + plain(dailyCharge.getOrDefault(key, BigDecimal.ZERO)) + "), " + c.lineCount()
                        + " lines against the run's " + plain(s.cost()) + ", " + plain(s.charge()) + ", "
                        + s.lineCount());
            }
        }
        if (!differ.isEmpty()) {
            throw unavailable(period, run, "rebuilt from the run's pinned inputs, they differ from the run's totals ("
                    + String.join("; ", differ.subList(0, Math.min(5, differ.size())))
                    + (differ.size() > 5 ? "; and " + (differ.size() - 5) + " more" : "") + "), so none was installed");
        }
    }

    /**
     * The rebuilt daily aggregate against the rollup the run stored, by day, kind, service and currency: a report by
     * region or tag then sums, day by day and service by service, to the reports by day and service of before.
     */
    private void requireRunRollup(UUID msp, BillingPeriod period, UUID run, Path dailyFile) {
        List<String> differ = daily.fine().rollupDifferences(msp, period, run, dailyFile);
        if (!differ.isEmpty()) {
            throw unavailable(period, run, "rebuilt from the run's pinned inputs, they differ from the run's figures by"
                    + " day and service (" + String.join("; ", differ) + (differ.size() >= 5 ? "; ..." : "")
                    + "), so none was installed");
        }
    }

    private static String plain(BigDecimal amount) {
        return amount.stripTrailingZeros().toPlainString();
    }

    private static RebillException unavailable(BillingPeriod period, UUID run, String why) {
        return new RebillException(ErrorCode.FIGURES_UNAVAILABLE, "the figures of " + period + WHAT + " cannot be"
                + " rebuilt: the period is closed and its bill run " + run + " was billed by an earlier version of"
                + " Rebill, which kept no such figures, and " + why + ". Its invoices and figures by day, service and"
                + " customer stay as billed");
    }
}

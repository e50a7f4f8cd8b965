package io.rebill.rules.internal;

import io.rebill.rules.BillAssembler;
import io.rebill.rules.BillResult;
import io.rebill.rules.DailyBill;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.RebuiltFigures;
import io.rebill.rules.RunFiles;
import io.rebill.rules.TagDimensions;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A bill run's work in DuckDB ({@code Billing.billDaily}): the bill, handed to the caller for its drafts, then what
 * the reports read: the bill again grouped by day, category, charge type and region, the daily and tag aggregates and
 * the kept lines (issue 11 item 8, issue 12), each phase timed for the run's log line.
 */
public final class RunFigures {
    private static final SqlStatements SQL = SqlStatements.load(RunFigures.class,
            "/io/rebill/rules/internal/run-figures.sql");
    private final Connection duck;
    private final Path tempDir;
    private final PredicateCompiler predicates;
    private final BillAssembler assembler;

    public RunFigures(Connection duck, Path tempDir, PredicateCompiler predicates, BillAssembler assembler) {
        this.duck = duck;
        this.tempDir = tempDir;
        this.predicates = predicates;
        this.assembler = assembler;
    }

    /**
     * With {@code billed}, the bill is computed twice: first summed per customer, account and service only (what the
     * invoices need: a few thousand groups, as fast as the CLI's bill) and handed to {@code billed}, then grouped by
     * day, category, charge type and region too for the daily aggregate (millions of groups at 10 M lines: several
     * times the bill's time), which must give the same bill (checked). Without it (null), once, grouped finely. An
     * exception from {@code billed} ends the run before any file is written; any failure leaves no file behind.
     */
    public DailyBill bill(MspConfig config, BillingPeriod period, List<Path> lineItems, TagDimensions tags,
                          Optional<Path> linesFolder, Consumer<String> progress, Consumer<BillResult> billed)
            throws IOException {
        Path rollup = null;
        Path temp = null;
        try {
            Map<String, Long> phases = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            long started = t0;
            BillResult invoiced = null;
            if (billed != null) {
                invoiced = new BillingRun(duck, config, period, lineItems, predicates, assembler, progress).run();
                long billedAt = System.nanoTime();
                billed.accept(invoiced);
                phases.put("bill", (billedAt - t0) / 1_000_000);
                started = System.nanoTime();
                phases.put("drafts", (started - billedAt) / 1_000_000);
            }
            BillingRun run = new BillingRun(duck, config, period, lineItems, predicates, assembler, progress)
                    .withDailyDimensions();
            BillResult result = run.run();
            phases.put(billed != null ? "bill by day" : "bill", (System.nanoTime() - started) / 1_000_000);
            if (invoiced != null) {
                requireSameBill(invoiced, result);
            }
            // outside the run's spill folder, which goes with the connection; the caller closes (deletes) it
            Files.createDirectories(tempDir);
            Path rollupFile = rollup = Files.createTempFile(tempDir, "daily-rollup-", ".csv");
            DailyBill[] daily = new DailyBill[1];
            Consumer<Path> aggregates = folder -> {
                long t1 = System.nanoTime();
                progress.accept("summing the customers' costs per day");
                Path dailyFile = folder.resolve(RunFiles.DAILY);
                daily[0] = new DailyBill(result, linesFolder.map(f -> f.resolve(RunFiles.DAILY)).orElse(dailyFile),
                        new DailyAggregate(duck).write(result, config.currency(), dailyFile, rollupFile), rollupFile,
                        linesFolder.isPresent() ? Optional.empty() : Optional.of(folder));
                // the finely grouped sums (millions of rows at 10 M lines) are read by nothing after this: their
                // memory goes to the tag pass and the kept lines' sort instead of making them spill
                dropTemp("bill_groups");
                long t2 = System.nanoTime();
                phases.put("daily aggregate", (t2 - t1) / 1_000_000);
                if (!tags.isEmpty()) {
                    progress.accept("summing the customers' costs per tag");
                    long n = new TagAggregate(duck, predicates).write(run, result, config.currency(), tags,
                            folder.resolve(RunFiles.TAGS));
                    daily[0].withTags(linesFolder.map(f -> f.resolve(RunFiles.TAGS))
                            .orElse(folder.resolve(RunFiles.TAGS)), n);
                }
                phases.put("tag aggregate", (System.nanoTime() - t2) / 1_000_000);
                // last, so that `rebill bench --what lines` times the write from this message to the return, the
                // kept lines' tag sets included
                if (linesFolder.isPresent()) {
                    progress.accept("keeping the re-billed lines");
                }
                if (!tags.isEmpty()) {
                    TagAggregate.releaseLines(duck, linesFolder.isPresent());
                }
            };
            if (linesFolder.isPresent()) {
                RunLines.write(duck, run, config, period, result, linesFolder.get(), aggregates);
            } else {
                temp = Files.createTempDirectory(tempDir, "daily-");
                aggregates.accept(temp);
            }
            long end = System.nanoTime();
            phases.forEach(daily[0]::phase);
            long aggregated = phases.values().stream().mapToLong(Long::longValue).sum();
            return daily[0].phase("kept lines", Math.max(0, (end - t0) / 1_000_000 - aggregated));
        } catch (IOException | RuntimeException e) {
            if (rollup != null) {
                Trees.delete(rollup);
            }
            if (temp != null) {
                Trees.delete(temp);
            }
            throw e;
        }
    }

    /**
     * A figures-only rebuild of a run's folder (issue 12: a closed period whose run an earlier version billed, which
     * kept no fine aggregates, and which is never billed again): the bill once, grouped finely, over the run's pinned
     * inputs; its daily and tag aggregates (and its re-billed lines, when the folder has none) written into a staging
     * folder inside {@code runFolder}; {@code check} sees the bill and the written daily aggregate's charge per
     * customer and throws to refuse them; then each file is moved into place by a rename, the daily aggregate last:
     * its presence is what tells readers ({@code FineCosts}) that the run has its fine figures, and a rebuild runs
     * only while it is missing. A file already in the folder is never replaced; a failure leaves the folder as it was.
     */
    public RebuiltFigures rebuild(MspConfig config, BillingPeriod period, List<Path> lineItems, TagDimensions tags,
                                  Path runFolder, Consumer<String> progress, RebuiltFigures.Check check)
            throws IOException, SQLException {
        Files.createDirectories(runFolder);
        // what a rebuild a stopped server interrupted left behind
        try (var left = Files.newDirectoryStream(runFolder, ".rebuild-*")) {
            left.forEach(Trees::delete);
        }
        Path staging = runFolder.resolve(".rebuild-" + UUID.randomUUID());
        boolean keepLines = !RunLines.hasLines(runFolder);
        try (DailyBill bill = bill(config, period, lineItems, tags,
                keepLines ? Optional.of(staging.resolve("lines")) : Optional.empty(), progress, null)) {
            Path out = keepLines ? staging.resolve("lines") : Files.createDirectories(staging);
            if (!keepLines) {
                // the aggregates went to a temp folder (maybe another file system) that closing the bill deletes
                Files.move(bill.dailyFile(), out.resolve(RunFiles.DAILY));
                if (bill.tagFile().isPresent()) {
                    Files.move(bill.tagFile().get(), out.resolve(RunFiles.TAGS));
                }
            }
            check.check(bill.result(), chargeByCustomer(out.resolve(RunFiles.DAILY)), out.resolve(RunFiles.DAILY));
            List<String> install = new ArrayList<>(keepLines ? List.of(RunLines.LINES, RunLines.TAG_SETS,
                    RunLines.CHARGES, RunLines.CUSTOMERS) : List.of());
            install.add(RunFiles.TAGS);
            install.add(RunFiles.DAILY);
            for (String file : install) {
                Path target = runFolder.resolve(file);
                if (Files.exists(out.resolve(file)) && !Files.exists(target)) {
                    Files.move(out.resolve(file), target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return new RebuiltFigures(bill.count(), bill.tagCount(), keepLines, bill.phaseMillis());
        } finally {
            Trees.delete(staging);
        }
    }

    /** A daily aggregate file's charge per customer, exact. */
    private Map<String, BigDecimal> chargeByCustomer(Path daily) throws SQLException {
        Map<String, BigDecimal> charges = new LinkedHashMap<>();
        try (PreparedStatement ps = duck.prepareStatement(SQL.get("daily-charge-by-customer"))) {
            ps.setString(1, daily.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    charges.put(rs.getString(1), new BigDecimal(rs.getString(2)));
                }
            }
        }
        return charges;
    }

    /** The bill summed coarsely (the drafts) and finely (the daily figures) are one bill, to the last digit. */
    private static void requireSameBill(BillResult coarse, BillResult fine) {
        Map<String, String> a = figures(coarse);
        Map<String, String> b = figures(fine);
        if (!a.equals(b)) {
            throw new IllegalStateException("the bill summed per day differs from the bill of the drafts: " + a + " vs " + b);
        }
    }

    private static Map<String, String> figures(BillResult bill) {
        Map<String, String> figures = new LinkedHashMap<>();
        bill.customers().forEach(c -> figures.put(c.customerId(), c.cost().stripTrailingZeros().toPlainString() + " "
                + c.charge().stripTrailingZeros().toPlainString() + " " + c.lineCount()));
        return figures;
    }

    private void dropTemp(String table) {
        try (Statement s = duck.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + e.getMessage(), e);
        }
    }
}

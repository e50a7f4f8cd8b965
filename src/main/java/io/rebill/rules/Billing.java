package io.rebill.rules;

import io.rebill.rules.internal.BillOutputs;
import io.rebill.rules.internal.BillingRun;
import io.rebill.rules.internal.RunFigures;
import io.rebill.rules.internal.RunLines;
import io.rebill.rules.internal.StagedOutput;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.nio.file.Path;
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
 * The billing feature's facade: bill a period, write the bill's files, explain a line. The engine rates the lines;
 * the {@link BillAssembler} it is given (the invoicing feature's) makes the invoices and reconciliation of them.
 */
public final class Billing {
    private final RebillSettings settings;
    private final PredicateCompiler predicates;
    private final BillAssembler assembler;
    private final RunDatabases databases;

    public Billing(RebillSettings settings, PredicateCompiler predicates, BillAssembler assembler) {
        // a fresh process (a bill from the command line) loads DuckDB while it reads its inputs (issue 11 item 8)
        DuckDb.warmUp();
        io.rebill.shared.money.RoundingPolicy.warmUp();
        this.settings = settings;
        this.predicates = predicates;
        this.assembler = java.util.Objects.requireNonNull(assembler, "assembler");
        this.databases = new RunDatabases(settings);
    }

    /** A run's own database ({@link RunDatabases}): the one opened ahead, else a new one. */
    private Connection scratch() {
        return databases.take();
    }

    /**
     * Starts opening the next bill's database now, on a thread of its own, for a process that bills once (the command
     * line): loading DuckDB's library and creating a database take 0.2-0.5 s of a fresh process, which then overlap
     * reading msp.yaml and listing the line items instead of following them (docs/benchmarks.md, "Billing in the
     * product", session 15). The next bill or daily bill takes that database; later ones open their own. An error
     * opening it is that bill's error, as if the bill had opened it.
     */
    public Billing openingScratchAhead() {
        databases.openAhead();
        return this;
    }

    /** Bills the period over the given canonical line item files; writes the bill's files when {@code out} is given. */
    public BillResult bill(MspConfig config, BillingPeriod period, List<Path> lineItems, Optional<Path> out,
                           Consumer<String> progress) {
        return bill(config, period, lineItems, out, BillOutputs.LINES_PER_GROUP, progress);
    }

    /**
     * As above, with the invoice number of each customer whose invoice is issued ({@code invoiceIds}, customer id to
     * number) in its FOCUS file's InvoiceId; customers without one (drafts) leave it null.
     */
    public BillResult bill(MspConfig config, BillingPeriod period, List<Path> lineItems, Optional<Path> out,
                           Map<String, String> invoiceIds, Consumer<String> progress) {
        return bill(config, period, lineItems, out, BillOutputs.LINES_PER_GROUP, invoiceIds, progress);
    }

    /** As above, with the lines of the per-customer files written in groups of about {@code linesPerGroup} (tests). */
    BillResult bill(MspConfig config, BillingPeriod period, List<Path> lineItems, Optional<Path> out, long linesPerGroup,
                    Consumer<String> progress) {
        return bill(config, period, lineItems, out, linesPerGroup, Map.of(), progress);
    }

    private BillResult bill(MspConfig config, BillingPeriod period, List<Path> lineItems, Optional<Path> out,
                            long linesPerGroup, Map<String, String> invoiceIds, Consumer<String> progress) {
        // the output folder is staged beside its target from the start, so a bad --out fails before the run
        try (StagedOutput staged = out.map(StagedOutput::begin).orElse(null); Connection duck = scratch()) {
            BillingRun run = new BillingRun(duck, config, period, lineItems, predicates, assembler, progress);
            BillResult result = run.run();
            if (staged != null) {
                // the grouped lines go to the run's spill folder, deleted with it when the connection closes
                new BillOutputs(duck, config, run, spillFolder(duck).resolve("billed-lines"), linesPerGroup)
                        .withInvoiceIds(invoiceIds).write(result, staged.folder(), progress);
                staged.commit();
            }
            return result;
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + e.getMessage(), e);
        }
    }

    /**
     * Bills the period as {@link #bill} does (no files) and reads its daily aggregate from the same run's sums
     * (issue 12): what a bill run stores for reports, computed in DuckDB over the very lines it bills.
     */
    public DailyBill billDaily(MspConfig config, BillingPeriod period, List<Path> lineItems, Consumer<String> progress) {
        return billDaily(config, period, lineItems, TagDimensions.none(), Optional.empty(), progress);
    }

    /**
     * As above, and the tag aggregate of the reports (issue 12 items 2 and 4): the run's cost and charge per value
     * of the most frequent provider tag keys and of each virtual tag, in one more pass over the lines.
     */
    public DailyBill billDaily(MspConfig config, BillingPeriod period, List<Path> lineItems, TagDimensions tags,
                               Consumer<String> progress) {
        return billDaily(config, period, lineItems, tags, Optional.empty(), progress);
    }

    /**
     * As above, and keeps the run's re-billed lines in {@code linesFolder} (issue 12 item 7, {@link #runFolder}): one
     * file clustered by customer that a customer's FOCUS file is read from on request ({@link #customerFocus}), with
     * the fine daily and tag aggregates beside it ({@link RunFiles}). Without a folder the aggregates go to a temp
     * folder that closing the bill deletes.
     */
    public DailyBill billDaily(MspConfig config, BillingPeriod period, List<Path> lineItems, TagDimensions tags,
                               Optional<Path> linesFolder, Consumer<String> progress) {
        return billDaily(config, period, lineItems, tags, linesFolder, progress, null);
    }

    /**
     * As above, and hands the bill to {@code billed} as soon as it is computed, before the daily and tag aggregates
     * and the kept lines (issue 11 item 8: the application commits the drafts there, so that they are ready in the
     * time of the bill alone). An exception from {@code billed} ends the bill with it, before any file is written.
     * With {@code billed}, the bill is computed twice: first summed per customer, account and service only (what the
     * invoices need: a few thousand groups, as fast as the CLI's bill), then grouped by day, category, charge type and
     * region too for the daily aggregate (millions of groups at 10 M lines: several times the bill's time), which
     * must give the same bill (checked). Without it, once, grouped finely.
     */
    public DailyBill billDaily(MspConfig config, BillingPeriod period, List<Path> lineItems, TagDimensions tags,
                               Optional<Path> linesFolder, Consumer<String> progress, Consumer<BillResult> billed) {
        try (Connection duck = scratch()) {
            return new RunFigures(duck, settings.tempDir(), predicates, assembler)
                    .bill(config, period, lineItems, tags, linesFolder, progress, billed);
        } catch (java.io.IOException | SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed or no room for the daily costs under "
                    + settings.tempDir() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A figures-only rebuild of a bill run's folder {@code runFolder} (issue 12: a closed period whose run an earlier
     * version billed without fine aggregate files): the period billed from the run's pinned configuration and line
     * items, its daily and tag aggregates (and re-billed lines when the folder has none) staged in the folder, shown
     * to {@code check}, which refuses them by throwing, then moved into place, the daily aggregate last. No drafts, no
     * rollup: nothing outside the folder changes, and no file in it is replaced.
     */
    public RebuiltFigures rebuildFigures(MspConfig config, BillingPeriod period, List<Path> lineItems,
                                         TagDimensions tags, Path runFolder, Consumer<String> progress,
                                         RebuiltFigures.Check check) {
        try (Connection duck = scratch()) {
            return new RunFigures(duck, settings.tempDir(), predicates, assembler)
                    .rebuild(config, period, lineItems, tags, runFolder, progress, check);
        } catch (java.io.IOException | SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "rebuilding the figures of " + period + " in "
                    + runFolder + " failed: " + e.getMessage(), e);
        }
    }

    /** The columns a run keeps of each re-billed line (the benchmark copies the same ones with plain DuckDB). */
    public static List<String> keptLineColumns() {
        return RunLines.COLUMNS;
    }

    /** Where a bill run of the application keeps its re-billed lines: REBILL_HOME/runs/MSP/PERIOD/RUN. */
    public Path runFolder(UUID msp, BillingPeriod period, UUID run) {
        return RunFiles.folder(settings.home(), msp, period, run);
    }

    /**
     * Removes the period's other run folders once {@code run} is the period's latest successful run (and what a
     * failed or killed run left), so that a period keeps one copy of its lines.
     */
    public void keepOnlyRun(UUID msp, BillingPeriod period, UUID run) {
        Path keep = runFolder(msp, period, run);
        try {
            RunLines.others(keep.getParent(), keep).forEach(io.rebill.shared.io.Trees::delete);
        } catch (java.io.IOException | RuntimeException e) {
            // the run succeeded; a folder left behind is removed by the period's next successful run
        }
    }

    /**
     * One customer's FOCUS 1.2 file (issue 12 item 7) from the lines a run kept in {@code runFolder}, written to a
     * new file under the temp folder that the caller deletes; in-memory DuckDB, so nothing else is left.
     */
    public Path customerFocus(Path runFolder, CustomerFocus request) {
        if (!java.nio.file.Files.isDirectory(runFolder)) {
            throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "the re-billed lines of this period are not kept (billed"
                    + " before this version, or by another server); run the bill again");
        }
        try (Connection duck = DuckDb.open(settings)) {
            java.nio.file.Files.createDirectories(settings.tempDir());
            Path out = java.nio.file.Files.createTempFile(settings.tempDir(), "focus-", "." + request.format().extension());
            java.nio.file.Files.delete(out);
            try {
                RunLines.focus(duck, runFolder, request, out);
            } catch (RuntimeException e) {
                java.nio.file.Files.deleteIfExists(out);
                throw e;
            }
            return out;
        } catch (java.io.IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "no room for the FOCUS file under " + settings.tempDir()
                    + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + e.getMessage(), e);
        }
    }

    /** What a diff compares per line, beside the columns every kept line has (customer, service, charge, ...). */
    private static final String[] DIFF_COLUMNS = {"line_id", "x_charge_type"};

    private static Path spillFolder(Connection duck) throws SQLException {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('temp_directory')")) {
            rs.next();
            return Path.of(rs.getString(1));
        }
    }

    /** Runs the chain for one line and tells its story; an unknown id is an error naming it. */
    public Explanation explain(MspConfig config, BillingPeriod period, List<Path> lineItems, String lineId) {
        try (Connection duck = scratch()) {
            new BillingRun(duck, config, period, lineItems, predicates, assembler, m -> { }).keepLine(lineId);
            try (PreparedStatement ps = duck.prepareStatement("SELECT customer_id, workflow_id, sub_account_id, service_name,"
                    + " x_charge_type, cost, charge, excluded, CAST(to_json(lineage) AS VARCHAR), claimed_by FROM billed"
                    + " WHERE line_id = ?")) {
                ps.setString(1, lineId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new RebillException(ErrorCode.UNKNOWN_LINE, "no line item '" + lineId + "' in " + period
                                + "; line ids look like payer-1/part-00000-123 (see x_LineId in the bill's line_items files)");
                    }
                    Map<String, Rule> rules = config.rulesById();
                    List<Explanation.Step> steps = new ArrayList<>();
                    for (Object o : tools.jackson.databind.json.JsonMapper.builder().build().readValue(rs.getString(9), List.class)) {
                        Map<?, ?> step = (Map<?, ?>) o;
                        String id = String.valueOf(step.get("rule"));
                        steps.add(new Explanation.Step(id, rules.containsKey(id) ? rules.get(id).title() : id,
                                new BigDecimal(String.valueOf(step.get("before"))), new BigDecimal(String.valueOf(step.get("after")))));
                    }
                    List<String> claimedBy = new ArrayList<>();
                    for (Object c : (Object[]) rs.getArray(10).getArray()) {
                        claimedBy.add(String.valueOf(c));
                    }
                    return new Explanation(lineId, Optional.ofNullable(rs.getString(1)), Optional.ofNullable(rs.getString(2)),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getBigDecimal(6),
                            Optional.ofNullable(rs.getBigDecimal(7)), rs.getBoolean(8), steps, claimedBy);
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + e.getMessage(), e);
        }
    }

    /**
     * The drill-down of one customer's bill: every line is kept with its lineage, then summed per rule; the
     * charges and credits the workflow added; the {@code topLines} lines whose charge moved most.
     */
    public RuleEffects ruleEffects(MspConfig config, BillingPeriod period, List<Path> lineItems, String customerId,
                                   int topLines) {
        try (Connection duck = scratch()) {
            BillResult result = new BillingRun(duck, config, period, lineItems, predicates, assembler, m -> { })
                    .keepingLines("line_id", "x_charge_type", "lineage").run();
            CustomerBill bill = result.customers().stream().filter(c -> c.customerId().equals(customerId)).findFirst()
                    .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "customer '" + customerId
                            + "' has no bill in " + period));
            Map<String, Rule> rules = config.rulesById();
            List<RuleEffects.Rule> effects = new ArrayList<>();
            try (PreparedStatement ps = duck.prepareStatement("SELECT s.rule, count(*), sum(s.before), sum(s.after)"
                    + " FROM (SELECT unnest(lineage) AS s FROM billed WHERE customer_id = ?) GROUP BY 1 ORDER BY 1")) {
                ps.setString(1, customerId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        effects.add(new RuleEffects.Rule(id, rules.containsKey(id) ? rules.get(id).title() : id,
                                rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4)));
                    }
                }
            }
            try (PreparedStatement ps = duck.prepareStatement("SELECT rule_id, title, amount FROM extra"
                    + " WHERE customer_id = ? ORDER BY position")) {
                ps.setString(1, customerId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        effects.add(new RuleEffects.Rule(rs.getString(1), rs.getString(2), 0, BigDecimal.ZERO,
                                rs.getBigDecimal(3)));
                    }
                }
            }
            List<RuleEffects.Line> lines = new ArrayList<>();
            try (PreparedStatement ps = duck.prepareStatement("SELECT line_id, service_name, x_charge_type, cost,"
                    + " CASE WHEN excluded THEN 0 ELSE charge END, excluded, list_transform(lineage, lambda s: s.rule)"
                    + " FROM billed WHERE customer_id = ? AND len(lineage) > 0"
                    + " ORDER BY abs(CASE WHEN excluded THEN 0 ELSE charge END - cost) DESC, line_id LIMIT ?")) {
                ps.setString(1, customerId);
                ps.setInt(2, topLines);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<String> touched = new ArrayList<>();
                        for (Object r : (Object[]) rs.getArray(7).getArray()) {
                            touched.add(String.valueOf(r));
                        }
                        lines.add(new RuleEffects.Line(rs.getString(1), rs.getString(2), rs.getString(3),
                                rs.getBigDecimal(4), rs.getBigDecimal(5), rs.getBoolean(6), touched));
                    }
                }
            }
            return new RuleEffects(customerId, bill.cost(), bill.charge(), effects, lines);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + e.getMessage(), e);
        }
    }

    /** Bills the period under two configurations and compares them per customer and per line (a dry run). */
    public BillDiff diff(MspConfig before, MspConfig after, BillingPeriod period, List<Path> lineItems, int topLines,
                         Consumer<String> progress) {
        try (Connection duck = scratch()) {
            BillResult a = new BillingRun(duck, before, period, lineItems, predicates, assembler, progress).keepingLines(DIFF_COLUMNS).run();
            try (Statement s = duck.createStatement()) {
                s.execute("ALTER TABLE billed RENAME TO billed_before");
            }
            BillResult b = new BillingRun(duck, after, period, lineItems, predicates, assembler, progress).keepingLines(DIFF_COLUMNS).run();
            Map<String, BillDiff.CustomerChange> changes = new LinkedHashMap<>();
            for (CustomerBill x : a.customers()) {
                changes.put(x.customerId(), new BillDiff.CustomerChange(x.customerId(), x.cost(), BigDecimal.ZERO,
                        x.charge(), BigDecimal.ZERO));
            }
            for (CustomerBill y : b.customers()) {
                BillDiff.CustomerChange old = changes.get(y.customerId());
                changes.put(y.customerId(), new BillDiff.CustomerChange(y.customerId(),
                        old == null ? BigDecimal.ZERO : old.costBefore(), y.cost(),
                        old == null ? BigDecimal.ZERO : old.chargeBefore(), y.charge()));
            }
            List<BillDiff.LineChange> lines = new ArrayList<>();
            try (PreparedStatement ps = duck.prepareStatement("SELECT a.line_id, a.customer_id, b.customer_id, a.service_name,"
                    + " a.x_charge_type, CASE WHEN a.excluded THEN 0 ELSE a.charge END AS before,"
                    + " CASE WHEN b.excluded THEN 0 ELSE b.charge END AS after"
                    + " FROM billed_before a JOIN billed b USING (line_id)"
                    + " WHERE before IS DISTINCT FROM after"
                    + " ORDER BY abs(COALESCE(after, 0) - COALESCE(before, 0)) DESC, a.line_id LIMIT ?")) {
                ps.setInt(1, topLines);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        lines.add(new BillDiff.LineChange(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getBigDecimal(6), rs.getBigDecimal(7)));
                    }
                }
            }
            return new BillDiff(a, b, new ArrayList<>(changes.values()), lines);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + e.getMessage(), e);
        }
    }
}

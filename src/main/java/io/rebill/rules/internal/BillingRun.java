package io.rebill.rules.internal;

import io.rebill.ingestion.StoredLines;
import io.rebill.rules.BillAssembler;
import io.rebill.rules.BillResult;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.RatedPeriod;
import io.rebill.rules.Workflow;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One billing run's rating of one period's canonical line items, set-based in DuckDB (spec §2-3). The run's lines
 * are a chain of SQL steps ({@link RunChain}) that is never stored whole (for the bill alone, over groups of lines
 * that every step's condition treats alike): one streaming GROUP BY over it leaves the small temp table
 * {@code bill_groups} (sums per customer, account, service and exclusion); charges and credits go to the temp table
 * {@code extra} ({@link Charges}). The invoices, unassigned lines and reconciliation are assembled from those two
 * tables by the {@link BillAssembler} the run is given (the invoicing feature's). On request the run also keeps its
 * lines in a temp table {@code billed} (tests and diff, with the columns asked for). For the per-customer FOCUS
 * files, {@link #writeBilledLines} passes the chain once more and writes the lines customers are billed for to
 * Parquet files grouped by customer.
 */
public final class BillingRun {
    static final String MONEY = WorkflowCompiler.MONEY;

    /** The columns the bill's sums read; a kept table always has them, so the sums can be read from it. */
    private static final List<String> SUMMED_COLUMNS = List.of("customer_id", "billing_account_id", "sub_account_id",
            "service_name", "billing_currency", "excluded", "claimed_by", "cost", "charge", "billed_cost",
            "effective_cost", "list_cost");

    /**
     * What the daily cost aggregates (issue 12, {@link DailyAggregate}) add to every group of the bill beside the
     * customer, accounts, service and currency, when asked ({@link #withDailyDimensions}): the day (UTC, from
     * charge_period_start), the service category, the provider's charge type and the region. A grouped run then sums
     * its lines by them too, so its groups are finer (the bill's sums stay exact: a finer group's lines are still
     * alike for every step) and more numerous (docs/costs.md: what it costs).
     */
    static final List<String> DAILY_COLUMNS = List.of("charge_period_start", "service_category", "x_charge_type",
            "region_id");

    private final Connection duck;
    private final RunStatements sql;
    private final MspConfig config;
    private final BillingPeriod period;
    private final List<Path> files;
    private final PredicateCompiler predicates;
    private final BillAssembler assembler;
    private final Consumer<String> progress;
    private List<String> keptColumns;
    private boolean daily;
    private StoredLines.Relation stored;
    private final ExchangeConversion conversion;
    /** The stored account sums this run reads its line counts and billed cost from, or null ({@link #accountSums}). */
    private StoredAccountSums accountSums;

    public BillingRun(Connection duck, MspConfig config, BillingPeriod period, List<Path> files,
                      PredicateCompiler predicates, BillAssembler assembler, Consumer<String> progress) {
        this.duck = duck;
        this.sql = new RunStatements(duck);
        this.config = config;
        this.period = period;
        this.files = List.copyOf(files);
        this.predicates = predicates;
        this.assembler = assembler;
        this.progress = progress;
        this.conversion = new ExchangeConversion(config.exchangeRates(), period);
    }

    /**
     * Keeps every line in the temp table {@code billed}: the columns the sums read plus {@code columns} (e.g.
     * line_id, lineage). Costs a table write of every line; the bill alone does not need it.
     */
    public BillingRun keepingLines(String... columns) {
        this.keptColumns = List.of(columns);
        return this;
    }

    /** Groups the bill's sums by day, service category, charge type and region too, for {@link DailyAggregate}. */
    public BillingRun withDailyDimensions() {
        this.daily = true;
        return this;
    }

    /** Rates the period, then has the assembler make the bill of it. */
    public BillResult run() {
        Instant started = Instant.now();
        List<String> warnings = new ArrayList<>();
        try {
            progress.accept("assigning lines to customers and applying workflows");
            Map<String, Workflow> workflowOf = workflows(warnings);
            // without kept lines the steps run over lines summed by what they read, when that is exact
            RunChain.Chain chain = chain(workflowOf, keptColumns == null);
            if (chain.grouped() && !chain.exact()) {
                chain = chain(workflowOf, false);
            }
            String source = storeLines(chain);
            if (source != null) {
                progress.accept("summing the stored lines per customer, account and service");
            }
            long lines = sumGroups(chain, anyMatch(), source);
            progress.accept("computing charges, credits and invoices");
            new Charges(sql, period).createExtra(workflowOf, chain.subtotals());
            Map<String, Optional<String>> workflowIds = new LinkedHashMap<>();
            workflowOf.forEach((customer, w) -> workflowIds.put(customer, Optional.ofNullable(w).map(Workflow::id)));
            BillResult result = assembler.assemble(new RatedPeriod(duck, config, period, workflowIds, lines, warnings,
                    started, ingested(chain)), progress);
            progress.accept(String.format("billed %,d lines for %d customers in %.1f s", lines, result.customers().size(),
                    result.took().toMillis() / 1000.0));
            return result;
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "billing run for " + period + " failed in DuckDB: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The stored lines' sums before any claim or rule are read from {@link RunChain#LINE_SUMS} when the chain summed
     * the lines first (its prelude, which the sums ran; the lines are then read once), else from the Parquet files again.
     */
    private RatedPeriod.Lines ingested(RunChain.Chain chain) throws SQLException {
        if (accountSums != null) {
            return new RatedPeriod.Lines(StoredAccountSums.TABLE, List.of());
        }
        return chain.prelude() != null ? new RatedPeriod.Lines(RunChain.LINE_SUMS, List.of())
                : new RatedPeriod.Lines(stored().sql() + " WHERE billing_period = ?", List.of(period.toString()));
    }

    /**
     * Runs the chain for one line only and keeps it, with every column, in the temp table {@code billed} (explain).
     * The filter on the line id sits after the scan, so only that line passes the rules.
     */
    public void keepLine(String lineId) {
        try {
            RunChain.Chain chain = chain(workflows(new ArrayList<>()), false);
            List<Object> params = new ArrayList<>(chain.params());
            params.add(lineId);
            sql.execute("CREATE OR REPLACE TEMP TABLE billed AS " + chain.sql() + " SELECT * FROM lines WHERE line_id = ?", params);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "billing run for " + period + " failed in DuckDB: "
                    + e.getMessage(), e);
        }
    }

    private Map<String, Workflow> workflows(List<String> warnings) {
        Map<String, Workflow> workflowOf = new LinkedHashMap<>();
        for (Customer c : config.customers()) {
            Optional<Workflow> w = config.workflowFor(c.id(), period);
            if (w.isEmpty()) {
                warnings.add("customer " + c.id() + " has no workflow assigned for " + period
                        + "; billed at effective cost with no rules");
            }
            workflowOf.put(c.id(), w.orElse(null));
        }
        return workflowOf;
    }

    /**
     * The period's stored lines as one relation (with each line's file and row for its id), read once per run: the
     * bill, its reconciliation and the per-customer files' pass all read it.
     */
    private StoredLines.Relation stored() throws SQLException {
        if (stored == null) {
            // issue 13 item 6: lines in another currency are converted at the MSP's rate before anything reads them
            stored = conversion.apply(duck, StoredLines.read(duck, files, "filename = true, file_row_number = true"));
        }
        return stored;
    }

    private boolean anyMatch() {
        return config.customers().stream().anyMatch(c -> c.match().isPresent());
    }

    /** One pass over the lines: claims, the customer's workflow, then the steps of every workflow (RunChain). */
    private RunChain.Chain chain(Map<String, Workflow> workflowOf, boolean grouped) throws SQLException {
        if (files.isEmpty()) {
            throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "no line items for " + period + "; ingest the period first");
        }
        RunChain run = new RunChain(sql, config, period, predicates, stored(), daily, conversion);
        accountSums = grouped ? accountSums(workflowOf) : null;
        if (accountSums != null) {
            run.readingAccountSums();
        }
        return run.build(workflowOf, grouped);
    }

    /**
     * The stored files' account sums when they can stand in for the lines' count and billed cost: a bill of summed
     * lines (no kept lines, no daily sums, no match predicate, whose claims are not by account: the chain then sums
     * the lines first, in its prelude), no workflow billing on the billed cost, no line converted from another
     * currency, and sums beside every file. Else null, and the lines are counted and their billed cost summed as they
     * are read.
     */
    private StoredAccountSums accountSums(Map<String, Workflow> workflowOf) {
        if (daily || keptColumns != null || anyMatch() || conversion.applied()
                || workflowOf.values().stream().anyMatch(w -> w != null && w.basis() == Workflow.Basis.BILLED)) {
            return null;
        }
        return StoredAccountSums.beside(files).orElse(null);
    }

    /** Stores the lines when asked; returns what the sums read: the stored lines, or the chain itself. */
    private String storeLines(RunChain.Chain chain) throws SQLException {
        if (keptColumns != null) {
            List<String> columns = new ArrayList<>(SUMMED_COLUMNS);
            if (daily) {
                columns.addAll(DAILY_COLUMNS);
            }
            keptColumns.stream().filter(c -> !columns.contains(c)).forEach(columns::add);
            boolean anySubtotal = chain.subtotals().values().stream().anyMatch(l -> !l.isEmpty());
            String subtotals = anySubtotal ? ", COLUMNS('^subtotal_')" : "";
            sql.executeChain("CREATE OR REPLACE TEMP TABLE billed AS " + chain.sql() + "SELECT " + String.join(", ", columns)
                    + subtotals + " FROM lines", chain.params(), false);
            return "billed";
        }
        return null;
    }

    /**
     * Writes the lines customers are billed for (claimed, not excluded), with {@code columns}, to Parquet files under
     * {@code folder}, in one more pass of the chain: one subfolder per group of customers ({@code groupOf}), so that
     * each customer's file then reads its group's lines only. Customers missing from {@code groupOf} are left out.
     * Nothing wide is sorted: sorting every line by customer failed at 50 M lines, into a Parquet file out of the
     * 1 GB memory limit, into a table after spilling 37 GB (docs/benchmarks.md); DuckDB's partitioned COPY streams
     * when it is told to flush often (below).
     */
    public GroupedLines writeBilledLines(Path folder, List<String> columns, Map<String, Integer> groupOf) {
        try {
            Files.createDirectories(folder);
            RunChain.Chain chain = chain(workflows(new ArrayList<>()), false);
            sql.execute("CREATE OR REPLACE TEMP TABLE rb_line_groups (customer_id VARCHAR, line_group INTEGER)");
            sql.insertPairs("rb_line_groups", groupOf);
            String select = "SELECT " + String.join(", ", columns);
            GroupedLines lines = new GroupedLines(folder.resolve("no-lines.parquet"), folder.resolve("groups"));
            // the columns with no rows, for customers without lines: read back from Parquet like every group's lines
            sql.executeChain("COPY (" + chain.sql() + select + " FROM lines LIMIT 0) TO '"
                    + DuckDb.literal(lines.noLines().toString()) + "' (FORMAT parquet)", chain.params(), false);
            // DuckDB keeps a partitioned COPY's rows until the partitions hold twice partitioned_write_flush_threshold
            // rows on average (default 524,288): for 200 customers that is every line, spilled (5 GB at 10 M lines,
            // 13 GB at 50 M before anything was written). 256 Ki / groups starts a flush every half million lines.
            long groups = groupOf.values().stream().distinct().count();
            long threshold = Math.clamp(262_144 / Math.max(groups, 1), 2_048, 524_288);
            sql.execute("SET partitioned_write_flush_threshold = " + threshold);
            sql.execute("SET partitioned_write_max_open_files = " + Math.max(100, groups + 1));
            try {
                sql.executeChain("COPY (" + chain.sql() + select + ", g.line_group FROM lines JOIN rb_line_groups g USING (customer_id)"
                        + " WHERE NOT excluded) TO '" + DuckDb.literal(lines.folder().toString())
                        + "' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (line_group))", chain.params(), false);
            } finally {
                sql.execute("RESET partitioned_write_flush_threshold");
                sql.execute("RESET partitioned_write_max_open_files");
            }
            return lines;
        } catch (SQLException | IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "writing the billed lines of " + period + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Issue 12's tag aggregate ({@link TagAggregate}) hook: creates the temp table {@code table} from {@code select},
     * a query over the run's lines as the CTE {@code lines} (every line, after the rules, with all its columns),
     * in one more pass of the chain like {@link #writeBilledLines}; {@code params} bind after the chain's.
     */
    public void createFromLines(String table, String select, List<Object> params) {
        try {
            RunChain.Chain chain = chain(workflows(new ArrayList<>()), false);
            List<Object> all = new ArrayList<>(chain.params());
            all.addAll(params);
            sql.executeChain("CREATE OR REPLACE TEMP TABLE " + table + " AS " + chain.sql() + select, all, false);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "summing the tags of " + period + " failed in DuckDB: "
                    + e.getMessage(), e);
        }
    }

    /** Where {@link #writeBilledLines} put the lines: a file with their columns and no rows, and a folder per group. */
    public record GroupedLines(Path noLines, Path folder) {
        /** The group's files, after the file with no rows, so that a group without lines still has the columns. */
        public List<Path> files(Integer group) throws IOException {
            List<Path> files = new ArrayList<>(List.of(noLines));
            Path dir = group == null ? null : folder.resolve("line_group=" + group);
            if (dir != null && Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().forEach(files::add);
                }
            }
            return files;
        }
    }

    /** The run's relation of its stored lines (every period of the files, converted to the MSP's currency). */
    String storedRelation() throws SQLException {
        return stored().sql();
    }

    BillingPeriod period() {
        return period;
    }

    /**
     * Issue 12 (RunLines): the lines customers are billed for (claimed, not excluded), with {@code columns}, in one
     * more pass of the chain, into one Parquet file: {@code order} follows the SELECT (an ORDER BY), {@code options}
     * are the COPY's.
     */
    public void copyBilledLines(List<String> columns, String order, Path file, String options) {
        try {
            if (files.isEmpty()) {
                throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "no line items for " + period + "; ingest the period first");
            }
            RunChain.Chain chain = new RunChain(sql, config, period, predicates, stored(), daily, conversion)
                    .withLineParts(files).build(workflows(new ArrayList<>()), false);
            // the line id (SOURCE/part-NNNNN-ROW, 25 bytes of text) is made after the sort, from its file's position and
            // row: the sort moves 10 bytes instead (docs/benchmarks.md, "Re-billed lines", session 11)
            boolean withId = columns.contains("line_id");
            List<String> sorted = new ArrayList<>(columns.stream()
                    .map(c -> c.equals("line_id") ? RunChain.ROW + " AS line_id" : c).toList());
            if (withId) {
                sorted.add(RunChain.FILE);
            }
            String select = chain.sql() + "SELECT " + String.join(", ", sorted) + " FROM lines WHERE NOT excluded"
                    + " AND customer_id IS NOT NULL " + order;
            String written = withId ? "SELECT * EXCLUDE (" + RunChain.FILE + ") REPLACE ("
                    + RunChain.lineIdOfParts(files, "line_id") + " AS line_id) FROM (" + select + ")" : select;
            sql.executeChain("COPY (" + written + ") TO '" + DuckDb.literal(file.toString()) + "' (" + options + ")",
                    chain.params(), false);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "writing the billed lines of " + period + " failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The one GROUP BY every output reads: per customer, billing and usage account, service, currency and exclusion
     * (and, for lines two customers claim, the claimants), the line count and the sums of cost, charge, the three
     * cost bases and each charge's subtotal column. A few thousand rows, whatever the number of lines.
     */
    private long sumGroups(RunChain.Chain chain, boolean anyMatch, String stored) throws SQLException {
        // a grouped chain's rows stand for n_lines lines each
        String count = chain.grouped() && stored == null ? "CAST(sum(n_lines) AS BIGINT)" : "count(*)";
        StringBuilder sums = new StringBuilder(count + " AS lines, sum(cost) AS cost, sum(charge) AS charge, CAST(sum(billed_cost) AS "
                + MONEY + ") AS billed_cost, CAST(sum(effective_cost) AS " + MONEY + ") AS effective_cost, CAST(sum(list_cost) AS "
                + MONEY + ") AS list_cost");
        for (WorkflowCompiler.SubtotalPoint point : chain.subtotals().values().stream().flatMap(List::stream).toList()) {
            sums.append(", sum(").append(point.column()).append(") AS ").append(point.column());
        }
        String claimedTwice = anyMatch ? "CASE WHEN len(claimed_by) > 1 THEN claimed_by END" : "CAST(NULL AS VARCHAR[])";
        // a grouped chain's rows carry their day already; lines (or the kept table) carry their charge period
        String day = chain.grouped() && stored == null ? "usage_day" : "CAST(charge_period_start AS DATE) AS usage_day";
        String dailyColumns = daily ? day + ", " + RunChain.DAILY_DIMENSIONS + ", " : "";
        String select = "SELECT customer_id, billing_account_id, sub_account_id, service_name, billing_currency, excluded, "
                + dailyColumns + claimedTwice + " AS claimed_twice, " + sums + " FROM ";
        if (stored != null) {
            sql.executeByAccount("CREATE OR REPLACE TEMP TABLE bill_groups AS " + select + stored + " GROUP BY ALL", List.of());
        } else {
            if (chain.prelude() != null) {
                // no rule step in it, so DuckDB's filter pushdown may carry the period filter into the scan
                sql.executeByAccount(chain.prelude(), chain.preludeParams());
            }
            if (accountSums != null) {
                accountSums.read(sql, period);
                sql.executeChainByAccount("CREATE OR REPLACE TEMP TABLE bill_groups AS " + chain.sql() + select
                        + "lines GROUP BY ALL\n" + StoredAccountSums.groupRows(), chain.params());
            } else {
                sql.executeChainByAccount("CREATE OR REPLACE TEMP TABLE bill_groups AS " + chain.sql() + select
                        + "lines GROUP BY ALL", chain.params());
            }
        }
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(sum(lines), 0) FROM bill_groups")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Binds parameters in order, decimals as exact text (BillOutputs' statements too). */
    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        RunStatements.bind(ps, params);
    }
}

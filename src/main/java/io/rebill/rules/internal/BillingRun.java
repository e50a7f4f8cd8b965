package io.rebill.rules.internal;

import io.rebill.ingestion.StoredLines;
import io.rebill.rules.BillResult;
import io.rebill.rules.Customer;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.InvoiceLine;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.Rule;
import io.rebill.rules.Workflow;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.money.RoundingPolicy;
import io.rebill.shared.time.BillingPeriod;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One billing run over one period's canonical line items, set-based in DuckDB (spec §2-4). The run's lines are a
 * chain of SQL steps that is never stored whole (for the bill alone, over groups of lines that every step's condition
 * treats alike, see {@link #chain}): one streaming GROUP BY over it leaves the small temp table
 * {@code bill_groups} (sums per customer, account, service and exclusion), from which the summary, invoices,
 * subtotals, unassigned lines, reconciliation and double claims are read; charges and credits go to the temp table
 * {@code extra}. On request the run also keeps its lines in a temp table {@code billed} (tests and diff, with the
 * columns asked for). For the per-customer FOCUS files, {@link #writeBilledLines} passes the chain once more and writes
 * the lines customers are billed for to Parquet files grouped by customer.
 */
public final class BillingRun {
    static final String MONEY = WorkflowCompiler.MONEY;
    /**
     * A stored line's id from read_parquet's filename and file_row_number: {@code SOURCE/part-NNNNN-ROW} for files in
     * a source's folder (sources/SOURCE/periods/PERIOD/GENERATION/part-NNNNN.parquet), {@code NAME-ROW} otherwise.
     */
    static final String LINE_ID = "COALESCE(NULLIF(regexp_extract(filename, '([^/]+)/periods/[^/]+/[^/]+/[^/]+[.]parquet$', 1), '')"
            + " || '/', '') || regexp_extract(filename, '([^/]+)[.]parquet$', 1) || '-' || file_row_number";

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
    private static final String DAILY_DIMENSIONS = "service_category, x_charge_type, region_id";

    private final Connection duck;
    private final MspConfig config;
    private final BillingPeriod period;
    private final List<Path> files;
    private final PredicateCompiler predicates;
    private final Consumer<String> progress;
    private List<String> keptColumns;
    private boolean daily;
    private StoredLines.Relation stored;

    public BillingRun(Connection duck, MspConfig config, BillingPeriod period, List<Path> files,
                      PredicateCompiler predicates, Consumer<String> progress) {
        this.duck = duck;
        this.config = config;
        this.period = period;
        this.files = List.copyOf(files);
        this.predicates = predicates;
        this.progress = progress;
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

    public BillResult run() {
        Instant started = Instant.now();
        List<String> warnings = new ArrayList<>();
        try {
            progress.accept("assigning lines to customers and applying workflows");
            Map<String, Workflow> workflowOf = workflows(warnings);
            // without kept lines the steps run over lines summed by what they read, when that is exact
            Chain chain = chain(workflowOf, keptColumns == null);
            if (chain.grouped() && !chain.exact()) {
                chain = chain(workflowOf, false);
            }
            String source = storeLines(chain);
            if (source != null) {
                progress.accept("summing the stored lines per customer, account and service");
            }
            long lines = sumGroups(chain, source);
            progress.accept("computing charges, credits and invoices");
            createExtra(workflowOf, chain.subtotals());
            List<CustomerBill> bills = customerBills(workflowOf);
            progress.accept("reconciling with the ingested totals");
            BillResult result = new BillResult(period, bills, unassigned(), reconcile(chain), claimedTwice(), lines,
                    Duration.between(started, Instant.now()), warnings);
            progress.accept(String.format("billed %,d lines for %d customers in %.1f s", lines, bills.size(),
                    result.took().toMillis() / 1000.0));
            return result;
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "billing run for " + period + " failed in DuckDB: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Runs the chain for one line only and keeps it, with every column, in the temp table {@code billed} (explain).
     * The filter on the line id sits after the scan, so only that line passes the rules.
     */
    public void keepLine(String lineId) {
        try {
            Chain chain = chain(workflows(new ArrayList<>()), false);
            List<Object> params = new ArrayList<>(chain.params());
            params.add(lineId);
            execute("CREATE OR REPLACE TEMP TABLE billed AS " + chain.sql() + " SELECT * FROM lines WHERE line_id = ?", params);
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
            stored = StoredLines.read(duck, files, "filename = true, file_row_number = true");
        }
        return stored;
    }

    private boolean usesFreeTier() {
        return config.rules().stream().anyMatch(r -> r instanceof Rule.RemoveFreeTier);
    }

    private boolean anyMatch() {
        return config.customers().stream().anyMatch(c -> c.match().isPresent());
    }

    /**
     * The run's lines as {@code WITH ... lines AS (...)}: the text, its parameters, and each charge's subtotal column.
     * A grouped chain's rows are groups of lines ({@code n_lines} each, amounts summed) that every condition of every
     * step treats alike; it gives the same sums as the lines' chain when it is {@code exact} (no step rounds). When
     * the lines are summed before they are claimed, that sum is a statement of its own, {@code prelude} (with
     * {@code preludeParams}), which fills the temp table {@link #LINE_SUMS} that the chain then reads.
     */
    private record Chain(String sql, List<Object> params, Map<String, List<WorkflowCompiler.SubtotalPoint>> subtotals,
                         boolean grouped, boolean exact, String prelude, List<Object> preludeParams) {
    }

    /** The period's lines summed before any claim or rule (a grouped run without match predicates). */
    private static final String LINE_SUMS = "rb_line_sums";

    private void execute(String sql, List<Object> params) throws SQLException {
        execute(sql, params, false);
    }

    /** Without an ORDER BY to keep, the order of lines does not matter; not keeping the scan's order lets DuckDB stream. */
    private void execute(String sql, List<Object> params, boolean ordered) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute("SET preserve_insertion_order = " + ordered);
        }
        try (PreparedStatement ps = duck.prepareStatement(sql)) {
            bind(ps, params);
            ps.execute();
        }
    }

    /**
     * Runs a statement over the whole chain. DuckDB's filter pushdown, carrying the period filter down to the scan,
     * also merges the chain's projections into one; each step's charge expression is then inlined into the next
     * step several times (condition, product, fallback) and evaluated again there, which doubled the time of the
     * bill (docs/benchmarks.md). Without it every step computes its charge once; the period filter stays right
     * above the scan, and a period's files hold only that period.
     */
    private void executeChain(String sql, List<Object> params, boolean ordered) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute("SET disabled_optimizers = 'filter_pushdown'");
        }
        try {
            execute(sql, params, ordered);
        } finally {
            try (Statement s = duck.createStatement()) {
                s.execute("RESET disabled_optimizers");
            }
        }
    }

    /**
     * One pass over the lines: claims, the customer's workflow, then the steps of every workflow in one chain (each
     * acting only on its customers' lines, spec §3). Unassigned lines pass through untouched with charge NULL.
     */
    private Chain chain(Map<String, Workflow> workflowOf, boolean grouped) throws SQLException {
        if (files.isEmpty()) {
            throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "no line items for " + period + "; ingest the period first");
        }
        // workflows numbered in first-use order; 0 is "no workflow" (effective cost, no rules)
        Map<String, Integer> numberOf = new LinkedHashMap<>();
        Map<String, Integer> customerWorkflow = new LinkedHashMap<>();
        numberOf.put("", 0);
        workflowOf.forEach((customer, w) -> customerWorkflow.put(customer,
                numberOf.computeIfAbsent(w == null ? "" : w.id(), k -> numberOf.size())));
        createCustomerTables(customerWorkflow);

        List<Object> params = new ArrayList<>();
        List<String> ctes = new ArrayList<>();
        StoredLines.Relation stored = stored();
        // a line's id: its source, file and row (payer-1/part-00000-42); two sources both have a part-00000
        ctes.add("src AS (SELECT * EXCLUDE (filename, file_row_number), " + LINE_ID + " AS line_id FROM " + stored.sql()
                + " WHERE billing_period = ?)");
        params.add(period.toString());
        // without match predicates a grouped run sums the lines first and joins the few groups to their accounts;
        // otherwise every line is claimed first (spec §2), as a run line by line always is
        boolean groupFirst = grouped && !anyMatch();
        if (!groupFirst) {
            claimEveryLine(ctes, params);
        }
        // each line starts with charge = its cost on its workflow's basis; unassigned lines are costed at effective
        List<Object> l0Params = new ArrayList<>();
        StringBuilder basis = new StringBuilder("CASE workflow");
        StringBuilder workflowId = new StringBuilder("CASE workflow WHEN 0 THEN NULL");  // 0: no workflow
        for (Map.Entry<String, Integer> e : numberOf.entrySet()) {
            Workflow w = e.getKey().isEmpty() ? null : config.workflow(e.getKey()).orElseThrow();
            basis.append(" WHEN ").append(e.getValue()).append(" THEN ")
                    .append(WorkflowCompiler.basisColumn(w == null ? Workflow.Basis.EFFECTIVE : w.basis()));
            if (w != null) {
                workflowId.append(" WHEN ").append(e.getValue()).append(" THEN ?");
                l0Params.add(w.id());
            }
        }
        basis.append(" ELSE effective_cost END");
        workflowId.append(" END");

        Map<String, Rule> rules = config.rulesById();
        WorkflowCompiler compiler = new WorkflowCompiler(predicates);
        WorkflowCompiler.Keys keys = grouped ? new WorkflowCompiler.Keys() : null;
        Map<String, List<WorkflowCompiler.SubtotalPoint>> subtotals = new HashMap<>();
        List<String> stepCtes = new ArrayList<>();
        List<Object> stepParams = new ArrayList<>();
        boolean exact = true;
        // the charge starts at the stored costs' scale and widens only as the rules need (WorkflowCompiler)
        int chargeScale = stored.moneyScale();
        String prev = "l0";
        for (Map.Entry<String, Integer> e : numberOf.entrySet()) {
            if (e.getKey().isEmpty()) {
                continue;
            }
            Workflow w = config.workflow(e.getKey()).orElseThrow();
            WorkflowCompiler.Chain steps = compiler.compile("w" + e.getValue(), prev, SqlFragment.of("workflow = " + e.getValue()),
                    w, w.ruleIds().stream().map(rules::get).toList(), period,
                    new WorkflowCompiler.Scales(stored.moneyScale(), chargeScale), keys);
            stepCtes.addAll(steps.ctes());
            stepParams.addAll(steps.params());
            subtotals.put(w.id(), steps.subtotals());
            prev = steps.last();
            chargeScale = steps.chargeScale();
            exact &= steps.exact();
        }
        String lines = "claimed";
        String prelude = null;
        List<Object> preludeParams = List.of();
        if (grouped) {
            // lines alike for every step (their keys) and for every output are summed into one row; the steps' amounts
            // read these sums (the basis, list_cost), and a product of a sum is the sum of the products when exact
            // (the claimants matter only to report lines claimed twice, which only match predicates can do)
            String sums = "SELECT " + (groupFirst ? "" : "customer_id, workflow, " + (anyMatch() ? "claimed_by, " : ""))
                    + "billing_account_id, sub_account_id, service_name, billing_currency, "
                    + (daily ? "CAST(charge_period_start AS DATE) AS usage_day, " + DAILY_DIMENSIONS + ", " : "")
                    + keys.column()
                    + ", count(*) AS n_lines, sum(billed_cost) AS billed_cost, sum(effective_cost) AS effective_cost,"
                    + " sum(list_cost) AS list_cost FROM " + (groupFirst ? "src" : "claimed") + " GROUP BY ALL";
            params.addAll(keys.params());
            if (groupFirst) {
                // the one pass over the lines is a statement of its own; its few rows are what the steps read, and
                // their sums per billing account are the ingested totals reconciliation checks the bill against
                prelude = "CREATE OR REPLACE TEMP TABLE " + LINE_SUMS + " AS WITH " + String.join(",\n", ctes) + "\n" + sums;
                preludeParams = List.copyOf(params);
                ctes.clear();
                params.clear();
                // the account's owner is the only claimant; every line of a group has the group's account
                ctes.add("claimed AS (SELECT g.*, a.customer_id, a.workflow FROM " + LINE_SUMS + " g"
                        + " LEFT JOIN rb_accounts a ON a.account_id = g.sub_account_id)");
            } else {
                ctes.add("grouped AS (" + sums + ")");
                lines = "grouped";
            }
        }
        ctes.add("l0 AS (SELECT *, CAST(" + workflowId + " AS VARCHAR) AS workflow_id, CAST(COALESCE(" + basis + ", 0) AS "
                + MONEY + ") AS cost, CASE WHEN workflow IS NOT NULL THEN CAST(COALESCE(" + basis + ", 0) AS "
                + stored.moneyType() + ") END AS charge, FALSE AS excluded, CAST([] AS STRUCT(rule VARCHAR, before " + MONEY
                + ", after " + MONEY + ")[]) AS lineage FROM " + lines + ")");
        params.addAll(l0Params);
        ctes.addAll(stepCtes);
        params.addAll(stepParams);
        // every reader of the lines sees the charge at the canonical money scale (a multiplication, never a rounding)
        ctes.add("lines AS (SELECT * EXCLUDE (workflow) REPLACE (" + WorkflowCompiler.widen("charge", chargeScale,
                WorkflowCompiler.SCALE) + " AS charge) FROM " + prev + ")");
        return new Chain("WITH " + String.join(",\n", ctes) + "\n", params, subtotals, grouped,
                exact && (keys == null || keys.fit()), prelude, preludeParams);
    }

    /**
     * Claims (spec §2) line by line, as CTEs {@code owned} and {@code claimed} over {@code src}: an account's owner comes
     * from a join with the account table, each `match` predicate is evaluated once; the claimants are ordered by
     * configuration position and the first one bills the line.
     */
    private void claimEveryLine(List<String> ctes, List<Object> params) throws SQLException {
        ctes.add("owned AS (SELECT src.*, a.customer_id AS owner, a.position AS owner_position, a.workflow AS owner_workflow"
                + " FROM src LEFT JOIN rb_accounts a ON a.account_id = src.sub_account_id)");
        String skuRate = usesFreeTier()
                ? ", max(CASE WHEN list_unit_price > 0 THEN list_unit_price END) OVER (PARTITION BY sku_id) AS sku_max_rate"
                : ", CAST(NULL AS " + MONEY + ") AS sku_max_rate";
        if (anyMatch()) {
            StringBuilder claims = new StringBuilder("[CASE WHEN owner IS NOT NULL THEN {'p': owner_position, 'c': owner} END");
            for (int i = 0; i < config.customers().size(); i++) {
                Customer c = config.customers().get(i);
                if (c.match().isEmpty()) {
                    continue;
                }
                PredicateCompiler.Compiled match = predicates.compile(c.match().get());
                // a customer that owns the account and also matches the line claims it once
                claims.append(", CASE WHEN ").append(match.sql()).append(" AND owner IS DISTINCT FROM ? THEN {'p': ")
                        .append(i).append(", 'c': ?} END");
                params.addAll(match.params());
                params.add(c.id());
                params.add(c.id());
            }
            claims.append("]");
            ctes.add("claims AS (SELECT * EXCLUDE (owner, owner_position, owner_workflow), list_transform(list_sort("
                    + "list_filter(" + claims + ", lambda x: x IS NOT NULL)), lambda x: x.c) AS claimed_by" + skuRate + " FROM owned)");
            ctes.add("claimed AS (SELECT claims.*, c.customer_id, c.workflow FROM claims"
                    + " LEFT JOIN rb_customers c ON c.customer_id = claims.claimed_by[1])");
        } else {
            // without match predicates the owner is the only claimant: no list to build and sort per line
            ctes.add("claimed AS (SELECT * EXCLUDE (owner, owner_position, owner_workflow), CASE WHEN owner IS NULL"
                    + " THEN CAST([] AS VARCHAR[]) ELSE [owner] END AS claimed_by" + skuRate + ", owner AS customer_id,"
                    + " owner_workflow AS workflow FROM owned)");
        }
    }

    /** Stores the lines when asked; returns what the sums read: the stored lines, or the chain itself. */
    private String storeLines(Chain chain) throws SQLException {
        if (keptColumns != null) {
            List<String> columns = new ArrayList<>(SUMMED_COLUMNS);
            if (daily) {
                columns.addAll(DAILY_COLUMNS);
            }
            keptColumns.stream().filter(c -> !columns.contains(c)).forEach(columns::add);
            boolean anySubtotal = chain.subtotals().values().stream().anyMatch(l -> !l.isEmpty());
            String subtotals = anySubtotal ? ", COLUMNS('^subtotal_')" : "";
            executeChain("CREATE OR REPLACE TEMP TABLE billed AS " + chain.sql() + "SELECT " + String.join(", ", columns)
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
            Chain chain = chain(workflows(new ArrayList<>()), false);
            try (Statement s = duck.createStatement()) {
                s.execute("CREATE OR REPLACE TEMP TABLE rb_line_groups (customer_id VARCHAR, line_group INTEGER)");
            }
            insertPairs("rb_line_groups", groupOf);
            String select = "SELECT " + String.join(", ", columns);
            GroupedLines lines = new GroupedLines(folder.resolve("no-lines.parquet"), folder.resolve("groups"));
            // the columns with no rows, for customers without lines: read back from Parquet like every group's lines
            executeChain("COPY (" + chain.sql() + select + " FROM lines LIMIT 0) TO '"
                    + DuckDb.literal(lines.noLines().toString()) + "' (FORMAT parquet)", chain.params(), false);
            // DuckDB keeps a partitioned COPY's rows until the partitions hold twice partitioned_write_flush_threshold
            // rows on average (default 524,288): for 200 customers that is every line, spilled (5 GB at 10 M lines,
            // 13 GB at 50 M before anything was written). 256 Ki / groups starts a flush every half million lines.
            long groups = groupOf.values().stream().distinct().count();
            long threshold = Math.clamp(262_144 / Math.max(groups, 1), 2_048, 524_288);
            try (Statement s = duck.createStatement()) {
                s.execute("SET partitioned_write_flush_threshold = " + threshold);
                s.execute("SET partitioned_write_max_open_files = " + Math.max(100, groups + 1));
            }
            try {
                executeChain("COPY (" + chain.sql() + select + ", g.line_group FROM lines JOIN rb_line_groups g USING (customer_id)"
                        + " WHERE NOT excluded) TO '" + DuckDb.literal(lines.folder().toString())
                        + "' (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (line_group))", chain.params(), false);
            } finally {
                try (Statement s = duck.createStatement()) {
                    s.execute("RESET partitioned_write_flush_threshold");
                    s.execute("RESET partitioned_write_max_open_files");
                }
            }
            return lines;
        } catch (SQLException | IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "writing the billed lines of " + period + " failed: "
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

    /**
     * Issue 12 (RunLines): the lines customers are billed for (claimed, not excluded), with {@code columns}, in one
     * more pass of the chain, into one Parquet file: {@code order} follows the SELECT (an ORDER BY), {@code options}
     * are the COPY's.
     */
    public void copyBilledLines(List<String> columns, String order, Path file, String options) {
        try {
            Chain chain = chain(workflows(new ArrayList<>()), false);
            executeChain("COPY (" + chain.sql() + "SELECT " + String.join(", ", columns) + " FROM lines WHERE NOT excluded"
                    + " AND customer_id IS NOT NULL " + order + ") TO '" + DuckDb.literal(file.toString()) + "' (" + options
                    + ")", chain.params(), false);
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
    private long sumGroups(Chain chain, String stored) throws SQLException {
        // a grouped chain's rows stand for n_lines lines each
        String count = chain.grouped() && stored == null ? "CAST(sum(n_lines) AS BIGINT)" : "count(*)";
        StringBuilder sums = new StringBuilder(count + " AS lines, sum(cost) AS cost, sum(charge) AS charge, CAST(sum(billed_cost) AS "
                + MONEY + ") AS billed_cost, CAST(sum(effective_cost) AS " + MONEY + ") AS effective_cost, CAST(sum(list_cost) AS "
                + MONEY + ") AS list_cost");
        for (WorkflowCompiler.SubtotalPoint point : chain.subtotals().values().stream().flatMap(List::stream).toList()) {
            sums.append(", sum(").append(point.column()).append(") AS ").append(point.column());
        }
        String claimedTwice = anyMatch() ? "CASE WHEN len(claimed_by) > 1 THEN claimed_by END" : "CAST(NULL AS VARCHAR[])";
        // a grouped chain's rows carry their day already; lines (or the kept table) carry their charge period
        String day = chain.grouped() && stored == null ? "usage_day" : "CAST(charge_period_start AS DATE) AS usage_day";
        String dailyColumns = daily ? day + ", " + DAILY_DIMENSIONS + ", " : "";
        String select = "SELECT customer_id, billing_account_id, sub_account_id, service_name, billing_currency, excluded, "
                + dailyColumns + claimedTwice + " AS claimed_twice, " + sums + " FROM ";
        if (stored != null) {
            execute("CREATE OR REPLACE TEMP TABLE bill_groups AS " + select + stored + " GROUP BY ALL", List.of());
        } else {
            if (chain.prelude() != null) {
                // no rule step in it, so DuckDB's filter pushdown may carry the period filter into the scan
                execute(chain.prelude(), chain.preludeParams(), false);
            }
            executeChain("CREATE OR REPLACE TEMP TABLE bill_groups AS " + chain.sql() + select + "lines GROUP BY ALL",
                    chain.params(), false);
        }
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(sum(lines), 0) FROM bill_groups")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The linked accounts of every customer with its configuration position (spec §2: first claimant wins) and the
     * number of its workflow; and every customer with that number, for lines a `match` predicate claims.
     */
    private void createCustomerTables(Map<String, Integer> workflowOf) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE rb_accounts (account_id VARCHAR, customer_id VARCHAR, position INTEGER,"
                    + " workflow INTEGER)");
            s.execute("CREATE OR REPLACE TEMP TABLE rb_customers (customer_id VARCHAR, workflow INTEGER)");
        }
        List<Object[]> accounts = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < config.customers().size(); i++) {
            Customer c = config.customers().get(i);
            for (String account : c.accounts()) {
                // an account listed twice keeps its first customer; msp.yaml rejects that case with its line
                if (seen.add(account)) {
                    accounts.add(new Object[]{account, c.id(), i, workflowOf.get(c.id())});
                }
            }
        }
        insertRows("rb_accounts", "(?, ?, ?, ?)", accounts);
        insertPairs("rb_customers", workflowOf);
    }

    /** Fills a two-column temp table (VARCHAR, INTEGER) from a map, e.g. customer to workflow number. */
    private void insertPairs(String table, Map<String, Integer> pairs) throws SQLException {
        insertRows(table, "(?, ?)", pairs.entrySet().stream().map(e -> new Object[]{e.getKey(), e.getValue()}).toList());
    }

    /**
     * Inserts rows into a temp table, {@code row} (e.g. {@code (?, ?)}) per row, many rows a statement: DuckDB runs a
     * JDBC batch one statement per row, which took a tenth of a second for a thousand accounts.
     */
    private void insertRows(String table, String row, List<Object[]> rows) throws SQLException {
        int perStatement = 500;
        for (int from = 0; from < rows.size(); from += perStatement) {
            List<Object[]> chunk = rows.subList(from, Math.min(rows.size(), from + perStatement));
            List<Object> params = new ArrayList<>();
            chunk.forEach(r -> params.addAll(java.util.Arrays.asList(r)));
            try (PreparedStatement ps = duck.prepareStatement("INSERT INTO " + table + " VALUES "
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), row)))) {
                bind(ps, params);
                ps.execute();
            }
        }
    }

    static void bind(PreparedStatement ps, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object v = params.get(i);
            if (v instanceof BigDecimal d) {
                ps.setString(i + 1, d.toPlainString());
            } else {
                ps.setObject(i + 1, v);
            }
        }
    }

    /**
     * Charges and credits, one per customer (spec §3): a fixed amount, or percent of the subtotal at the rule's
     * position (the in-scope charges of the customer's lines there, plus earlier charges and credits when the rule's
     * scope is unrestricted), never below its minimum.
     */
    private void createExtra(Map<String, Workflow> workflowOf, Map<String, List<WorkflowCompiler.SubtotalPoint>> subtotalColumns)
            throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE extra (customer_id VARCHAR, rule_id VARCHAR, title VARCHAR,"
                    + " kind VARCHAR, service VARCHAR, category VARCHAR, sub_category VARCHAR, amount " + MONEY + ","
                    + " position INTEGER)");
        }
        Map<String, Map<String, BigDecimal>> subtotals = new HashMap<>();
        for (Map.Entry<String, List<WorkflowCompiler.SubtotalPoint>> e : subtotalColumns.entrySet()) {
            for (WorkflowCompiler.SubtotalPoint point : e.getValue()) {
                Map<String, BigDecimal> byCustomer = new HashMap<>();
                try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT customer_id, sum("
                        + point.column() + ") FROM bill_groups WHERE " + point.column() + " IS NOT NULL GROUP BY 1")) {
                    while (rs.next()) {
                        byCustomer.put(rs.getString(1), rs.getBigDecimal(2));
                    }
                }
                subtotals.put(point.column(), byCustomer);
            }
        }
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<String, Workflow> e : workflowOf.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            BigDecimal earlier = BigDecimal.ZERO;
            int position = 0;
            for (WorkflowCompiler.SubtotalPoint point : subtotalColumns.getOrDefault(e.getValue().id(), List.of())) {
                position++;
                if (!chargedIn(point.rule())) {
                    continue;
                }
                BigDecimal lines = subtotals.get(point.column()).getOrDefault(e.getKey(), BigDecimal.ZERO);
                BigDecimal subtotal = point.rule().scope().unrestricted() ? lines.add(earlier) : lines;
                BigDecimal amount = amount(point.rule(), subtotal);
                boolean credit = point.rule().isCredit();
                BigDecimal signed = credit ? amount.negate() : amount;
                Rule.InvoiceLabel label = point.rule().label();
                rows.add(new Object[]{e.getKey(), point.rule().id(), point.rule().title(), credit ? "credit" : "charge",
                        label.service(), label.category().orElse(null), label.subCategory().orElse(null),
                        signed.toPlainString(), position});
                earlier = earlier.add(signed);
            }
        }
        insertRows("extra", "(?, ?, ?, ?, ?, ?, ?, CAST(? AS " + MONEY + "), ?)", rows);
    }

    /** Monthly charges apply in every period of their scope; one-time ones only in their start period. */
    private boolean chargedIn(Rule.AddedLine rule) {
        return switch (rule.frequency()) {
            case MONTHLY -> rule.scope().appliesIn(period);
            case ONE_TIME -> rule.scope().start().map(period::equals).orElseThrow(() -> new RebillException(
                    ErrorCode.BAD_ARGUMENT, "one-time rule " + rule.id() + " needs a start period to know when to bill"));
        };
    }

    /** A charge's or credit's amount (positive) for the subtotal at its position, never below its minimum. */
    static BigDecimal amount(Rule.AddedLine rule, BigDecimal subtotal) {
        Rule.Amount a = rule.amount();
        return switch (a) {
            case Rule.Amount.Fixed f -> f.value();
            case Rule.Amount.PercentOfSubtotal p -> {
                BigDecimal v = subtotal.multiply(p.percent()).movePointLeft(2)
                        .setScale(WorkflowCompiler.SCALE, RoundingMode.HALF_UP);
                yield p.minimum().filter(min -> min.compareTo(v) > 0).orElse(v);
            }
        };
    }

    private List<CustomerBill> customerBills(Map<String, Workflow> workflowOf) throws SQLException {
        Map<String, BigDecimal[]> totals = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        Map<String, String> currencies = new HashMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT customer_id, sum(cost), sum(charge), sum(lines), min(billing_currency), count(DISTINCT billing_currency)"
                        + " FROM bill_groups WHERE customer_id IS NOT NULL GROUP BY 1")) {
            while (rs.next()) {
                String id = rs.getString(1);
                if (rs.getLong(6) > 1) {
                    throw new RebillException(ErrorCode.BAD_VALUE, "customer " + id + " has lines in several currencies in "
                            + period + "; bill each currency's accounts as its own customer");
                }
                totals.put(id, new BigDecimal[]{rs.getBigDecimal(2), rs.getBigDecimal(3)});
                counts.put(id, rs.getLong(4));
                currencies.put(id, rs.getString(5));
            }
        }
        Map<String, List<InvoiceLine>> invoices = new HashMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT customer_id, COALESCE(service_name, 'Other') AS service, sum(charge) FROM bill_groups"
                        + " WHERE customer_id IS NOT NULL AND NOT excluded GROUP BY ALL ORDER BY 1, 2")) {
            while (rs.next()) {
                String id = rs.getString(1);
                String currency = currencies.getOrDefault(id, config.currency());
                invoices.computeIfAbsent(id, k -> new ArrayList<>()).add(new InvoiceLine(InvoiceLine.Kind.SERVICE,
                        rs.getString(2), null, null, rs.getBigDecimal(3),
                        RoundingPolicy.invoiceLine(rs.getBigDecimal(3), currency)));
            }
        }
        Map<String, BigDecimal> extraTotals = new HashMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT customer_id, kind, service, category, sub_category, amount FROM extra ORDER BY customer_id, position")) {
            while (rs.next()) {
                String id = rs.getString(1);
                String currency = currencies.getOrDefault(id, config.currency());
                BigDecimal amount = rs.getBigDecimal(6);
                invoices.computeIfAbsent(id, k -> new ArrayList<>()).add(new InvoiceLine(
                        "credit".equals(rs.getString(2)) ? InvoiceLine.Kind.CREDIT : InvoiceLine.Kind.CHARGE,
                        rs.getString(3), rs.getString(4), rs.getString(5), amount, RoundingPolicy.invoiceLine(amount, currency)));
                extraTotals.merge(id, amount, BigDecimal::add);
            }
        }
        List<CustomerBill> bills = new ArrayList<>();
        for (Customer c : config.customers()) {
            BigDecimal[] t = totals.getOrDefault(c.id(), new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO});
            BigDecimal charge = t[1].add(extraTotals.getOrDefault(c.id(), BigDecimal.ZERO));
            Workflow w = workflowOf.get(c.id());
            bills.add(new CustomerBill(c.id(), c.name(), Optional.ofNullable(w).map(Workflow::id),
                    currencies.getOrDefault(c.id(), config.currency()), t[0], charge, counts.getOrDefault(c.id(), 0L),
                    invoices.getOrDefault(c.id(), List.of())));
        }
        return bills;
    }

    private List<BillResult.Unassigned> unassigned() throws SQLException {
        List<BillResult.Unassigned> list = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT billing_account_id, sub_account_id, sum(lines), COALESCE(sum(billed_cost), 0),"
                        + " COALESCE(sum(effective_cost), 0), COALESCE(sum(list_cost), 0) FROM bill_groups"
                        + " WHERE customer_id IS NULL GROUP BY ALL ORDER BY 1 NULLS FIRST, 2 NULLS FIRST")) {
            while (rs.next()) {
                list.add(new BillResult.Unassigned(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getBigDecimal(4),
                        rs.getBigDecimal(5), rs.getBigDecimal(6)));
            }
        }
        return list;
    }

    private List<BillResult.ClaimedTwice> claimedTwice() throws SQLException {
        List<BillResult.ClaimedTwice> list = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT sub_account_id, claimed_twice, sum(lines) FROM bill_groups WHERE claimed_twice IS NOT NULL"
                        + " GROUP BY ALL ORDER BY 1")) {
            while (rs.next()) {
                Object[] arr = (Object[]) rs.getArray(2).getArray();
                List<String> names = new ArrayList<>();
                for (Object o : arr) {
                    names.add(String.valueOf(o));
                }
                list.add(new BillResult.ClaimedTwice(rs.getString(1), names, rs.getLong(3)));
            }
        }
        return list;
    }

    /**
     * The period's ingested totals per billing account against the bill's split of them. The totals are the stored
     * lines' sums before any claim or rule: from {@link #LINE_SUMS} when the chain summed the lines first (its
     * prelude, which the sums ran; the lines are then read once), else read from the Parquet files again.
     */
    private List<BillResult.Reconciliation> reconcile(Chain chain) throws SQLException {
        boolean lineSums = chain.prelude() != null;
        Map<String, BigDecimal[]> ingested = new LinkedHashMap<>();
        String totals = "SELECT billing_account_id, CAST(COALESCE(sum(billed_cost), 0) AS " + MONEY + "), CAST(COALESCE("
                + "sum(effective_cost), 0) AS " + MONEY + "), CAST(COALESCE(sum(list_cost), 0) AS " + MONEY + ") FROM ";
        try (PreparedStatement ps = duck.prepareStatement(lineSums
                ? totals + LINE_SUMS + " GROUP BY 1 ORDER BY 1 NULLS FIRST"
                : totals + stored().sql() + " WHERE billing_period = ? GROUP BY 1 ORDER BY 1 NULLS FIRST")) {
            if (!lineSums) {
                ps.setString(1, period.toString());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ingested.put(rs.getString(1), new BigDecimal[]{rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getBigDecimal(4)});
                }
            }
        }
        Map<String, BigDecimal[]> split = new HashMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT billing_account_id, customer_id IS NULL AS unassigned, COALESCE(sum(billed_cost), 0),"
                        + " COALESCE(sum(effective_cost), 0), COALESCE(sum(list_cost), 0) FROM bill_groups GROUP BY ALL")) {
            while (rs.next()) {
                split.put(rs.getString(1) + "\u0000" + rs.getBoolean(2),
                        new BigDecimal[]{rs.getBigDecimal(3), rs.getBigDecimal(4), rs.getBigDecimal(5)});
            }
        }
        BigDecimal[] zero = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        String[] bases = {"billed", "effective", "list"};
        List<BillResult.Reconciliation> lines = new ArrayList<>();
        for (Map.Entry<String, BigDecimal[]> e : ingested.entrySet()) {
            BigDecimal[] customers = split.getOrDefault(e.getKey() + "\u0000false", zero);
            BigDecimal[] unassigned = split.getOrDefault(e.getKey() + "\u0000true", zero);
            for (int b = 0; b < 3; b++) {
                lines.add(new BillResult.Reconciliation(e.getKey(), bases[b], customers[b], unassigned[b], e.getValue()[b]));
            }
        }
        return lines;
    }
}

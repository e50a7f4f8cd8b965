package io.rebill.rules.internal;

import io.rebill.ingestion.StoredLines;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.Rule;
import io.rebill.rules.Workflow;
import io.rebill.shared.time.BillingPeriod;

import io.rebill.shared.duckdb.DuckDb;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SQL of a billing run's lines (spec §2-3): the period's stored lines, each claimed by its customer, then the
 * steps of every workflow in one chain of CTEs, never stored whole. Built once per pass over the lines; the small
 * temp tables it reads ({@code rb_accounts}, {@code rb_customers}) are filled as it is built.
 */
final class RunChain {
    static final String MONEY = WorkflowCompiler.MONEY;
    /**
     * A stored line's id from read_parquet's filename and file_row_number: {@code SOURCE/part-NNNNN-ROW} for files in
     * a source's folder (sources/SOURCE/periods/PERIOD/GENERATION/part-NNNNN.parquet), {@code NAME-ROW} otherwise.
     */
    static final String LINE_ID = linePrefix("filename") + " || '-' || file_row_number";
    /** A stored line's file as its position in the run's list of files, beside its row: see {@link #withLineParts}. */
    static final String FILE = "rb_file";
    static final String ROW = "rb_row";
    /** The daily aggregate's dimensions beside the day (BillingRun#DAILY_COLUMNS). */
    static final String DAILY_DIMENSIONS = "service_category, x_charge_type, region_id";
    /** The period's lines summed before any claim or rule (a grouped run without match predicates). */
    static final String LINE_SUMS = "rb_line_sums";

    /**
     * The run's lines as {@code WITH ... lines AS (...)}: the text, its parameters, and each charge's subtotal column.
     * A grouped chain's rows are groups of lines ({@code n_lines} each, amounts summed) that every condition of every
     * step treats alike; it gives the same sums as the lines' chain when it is {@code exact} (no step rounds). When
     * the lines are summed before they are claimed, that sum is a statement of its own, {@code prelude} (with
     * {@code preludeParams}), which fills the temp table {@link #LINE_SUMS} that the chain then reads.
     */
    record Chain(String sql, List<Object> params, Map<String, List<WorkflowCompiler.SubtotalPoint>> subtotals,
                 boolean grouped, boolean exact, String prelude, List<Object> preludeParams) {
    }

    private final RunStatements sql;
    private final MspConfig config;
    private final BillingPeriod period;
    private final PredicateCompiler predicates;
    private final StoredLines.Relation stored;
    private final boolean daily;
    private final ExchangeConversion conversion;
    private List<java.nio.file.Path> lineFiles;
    private boolean accountSums;

    RunChain(RunStatements sql, MspConfig config, BillingPeriod period, PredicateCompiler predicates,
             StoredLines.Relation stored, boolean daily, ExchangeConversion conversion) {
        this.sql = sql;
        this.conversion = conversion;
        this.config = config;
        this.period = period;
        this.predicates = predicates;
        this.stored = stored;
        this.daily = daily;
    }

    /** A line's id before its row: {@code SOURCE/part-NNNNN} from the file's path (an SQL text expression). */
    static String linePrefix(String file) {
        return "COALESCE(NULLIF(regexp_extract(" + file + ", '([^/]+)/periods/[^/]+/[^/]+/[^/]+[.]parquet$', 1), '')"
                + " || '/', '') || regexp_extract(" + file + ", '([^/]+)[.]parquet$', 1)";
    }

    /**
     * The lines summed first ({@link #LINE_SUMS}) leave out their count and billed cost, which the run reads from the
     * stored files' account sums instead (ingestion's {@code AccountSums}; BillingRun decides when they serve).
     */
    RunChain readingAccountSums() {
        this.accountSums = true;
        return this;
    }

    /**
     * The lines also carry their id's parts: {@link #FILE} (the position of their file in {@code files}, which must be
     * the files the stored relation reads) and {@link #ROW}, so that a write that sorts them can make the id after
     * the sort ({@link #lineIdOfParts}) instead of moving the text through it.
     */
    RunChain withLineParts(List<java.nio.file.Path> files) {
        this.lineFiles = List.copyOf(files);
        return this;
    }

    /** The line id made from {@link #FILE} and {@code row} of lines that {@link #withLineParts} gave them. */
    static String lineIdOfParts(List<java.nio.file.Path> files, String row) {
        StringBuilder prefixes = new StringBuilder("[");
        for (int i = 0; i < files.size(); i++) {
            prefixes.append(i == 0 ? "" : ", ").append(linePrefix("'" + DuckDb.literal(files.get(i).toString()) + "'"));
        }
        return prefixes.append("][").append(FILE).append("] || '-' || ").append(row).toString();
    }

    boolean anyMatch() {
        return config.customers().stream().anyMatch(c -> c.match().isPresent());
    }

    private boolean usesFreeTier() {
        return config.rules().stream().anyMatch(r -> r instanceof Rule.RemoveFreeTier);
    }

    /**
     * One pass over the lines: claims, the customer's workflow, then the steps of every workflow in one chain (each
     * acting only on its customers' lines, spec §3). Unassigned lines pass through untouched with charge NULL.
     */
    Chain build(Map<String, Workflow> workflowOf, boolean grouped) throws SQLException {
        // workflows numbered in first-use order; 0 is "no workflow" (effective cost, no rules)
        Map<String, Integer> numberOf = new LinkedHashMap<>();
        Map<String, Integer> customerWorkflow = new LinkedHashMap<>();
        numberOf.put("", 0);
        workflowOf.forEach((customer, w) -> customerWorkflow.put(customer,
                numberOf.computeIfAbsent(w == null ? "" : w.id(), k -> numberOf.size())));
        createCustomerTables(customerWorkflow);

        List<Object> params = new ArrayList<>();
        List<String> ctes = new ArrayList<>();
        // a line's id: its source, file and row (payer-1/part-00000-42); two sources both have a part-00000
        String parts = "";
        if (lineFiles != null) {
            StringBuilder paths = new StringBuilder();
            for (java.nio.file.Path f : lineFiles) {
                paths.append(paths.isEmpty() ? "" : ", ").append("'").append(DuckDb.literal(f.toString())).append("'");
            }
            // a file not in the list would give the line no id: the statement fails instead
            parts = ", COALESCE(CAST(list_position([" + paths + "], filename) AS USMALLINT), error('a stored line of a"
                    + " file the run did not list: ' || filename)) AS " + FILE + ", file_row_number AS " + ROW;
        }
        ctes.add("src AS (SELECT * EXCLUDE (filename, file_row_number), " + LINE_ID + " AS line_id" + parts + " FROM "
                + stored.sql() + " WHERE billing_period = ?)");
        params.add(period.toString());
        // without match predicates a grouped run sums the lines first and joins the few groups to their accounts;
        // otherwise every line is claimed first (spec §2), as a run line by line always is
        boolean groupFirst = grouped && !anyMatch();
        if (accountSums && !groupFirst) {
            // BillingRun reads the account sums in place of the prelude's counts, which only lines summed first have
            throw new IllegalStateException("the stored account sums stand in only for lines summed before they are claimed");
        }
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
            Map<String, String> constant = constants();
            List<String> keyColumns = new ArrayList<>();
            for (String column : List.of("billing_account_id", "sub_account_id", "service_name", "billing_currency")) {
                if (constant.containsKey(column)) {
                    keyColumns.add("CAST(? AS VARCHAR) AS " + column);
                    params.add(constant.get(column));
                } else {
                    keyColumns.add(column);
                }
            }
            String sums = "SELECT " + (groupFirst ? "" : "customer_id, workflow, " + (anyMatch() ? "claimed_by, " : ""))
                    + String.join(", ", keyColumns) + ", "
                    + (daily ? "CAST(charge_period_start AS DATE) AS usage_day, " + DAILY_DIMENSIONS + ", " : "")
                    + keys.column()
                    // with the stored account sums, the lines' count and billed cost come from them (BillingRun)
                    + (accountSums ? ", CAST(0 AS BIGINT) AS n_lines, CAST(NULL AS " + stored.moneyType()
                            + ") AS billed_cost" : ", count(*) AS n_lines, sum(billed_cost) AS billed_cost")
                    + ", sum(effective_cost) AS effective_cost, sum(list_cost) AS list_cost FROM "
                    + (groupFirst ? "src" : "claimed") + " GROUP BY ALL";
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
                + stored.moneyType() + ") END AS charge, FALSE AS excluded, "
                + conversion.initialLineage(basis.toString(), grouped, MONEY) + " AS lineage FROM " + lines + ")");
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
     * The keys of the grouped sums that hold one and the same value on every stored line the run reads, with that
     * value: one payer and one currency is the common case, and a key every line shares would cost the one pass over
     * the lines a hash of its text per line for nothing (docs/benchmarks.md, "Billing in the product", session 14).
     * DuckDB answers the minimum, maximum and counts from the Parquet files' statistics without reading the lines
     * when the statistics allow it, and reads the two columns otherwise; the answer is exact either way.
     */
    private Map<String, String> constants() throws SQLException {
        Map<String, String> constant = new HashMap<>();
        List<String> columns = List.of("billing_account_id", "billing_currency");
        StringBuilder query = new StringBuilder("SELECT count(*)");
        for (String c : columns) {
            query.append(", min(").append(c).append("), max(").append(c).append("), count(").append(c).append(")");
        }
        try (java.sql.Statement s = sql.connection().createStatement();
             java.sql.ResultSet rs = s.executeQuery(query + " FROM " + stored.sql())) {
            rs.next();
            long lines = rs.getLong(1);
            for (int i = 0; i < columns.size(); i++) {
                String min = rs.getString(2 + 3 * i);
                if (lines > 0 && rs.getLong(4 + 3 * i) == lines && min != null && min.equals(rs.getString(3 + 3 * i))) {
                    constant.put(columns.get(i), min);
                }
            }
        }
        return constant;
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

    /**
     * The linked accounts of every customer with its configuration position (spec §2: first claimant wins) and the
     * number of its workflow; and every customer with that number, for lines a `match` predicate claims.
     */
    private void createCustomerTables(Map<String, Integer> workflowOf) throws SQLException {
        sql.execute("CREATE OR REPLACE TEMP TABLE rb_accounts (account_id VARCHAR, customer_id VARCHAR, position INTEGER,"
                + " workflow INTEGER)");
        sql.execute("CREATE OR REPLACE TEMP TABLE rb_customers (customer_id VARCHAR, workflow INTEGER)");
        List<Object[]> accounts = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < config.customers().size(); i++) {
            Customer c = config.customers().get(i);
            for (String account : c.accounts()) {
                // an account listed twice keeps its first customer; msp.yaml rejects that case with its line
                if (seen.add(account)) {
                    accounts.add(new Object[]{account, c.id(), i, workflowOf.get(c.id())});
                }
            }
        }
        sql.insertRows("rb_accounts", "(?, ?, ?, ?)", accounts);
        sql.insertPairs("rb_customers", workflowOf);
    }
}

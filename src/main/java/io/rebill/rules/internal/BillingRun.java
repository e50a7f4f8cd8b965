package io.rebill.rules.internal;

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

import java.math.BigDecimal;
import java.math.RoundingMode;
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

/**
 * One billing run over one period's canonical line items, set-based in DuckDB (spec §2-4). The run leaves a temp
 * table {@code billed} (every line with customer_id, cost, charge, excluded, lineage) and a temp table
 * {@code extra} (charges and credits) in the connection, from which the outputs are written.
 */
public final class BillingRun {
    static final String MONEY = WorkflowCompiler.MONEY;

    private final Connection duck;
    private final MspConfig config;
    private final BillingPeriod period;
    private final List<Path> files;
    private final PredicateCompiler predicates;
    private final Consumer<String> progress;
    private boolean byCustomer;

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
     * Stores the billed lines sorted by customer, so that writing one file per customer reads only that customer's
     * row groups instead of the whole table each time. Costs one sort; worth it only when files are written.
     */
    public BillingRun sortedByCustomer() {
        this.byCustomer = true;
        return this;
    }

    public BillResult run() {
        Instant started = Instant.now();
        List<String> warnings = new ArrayList<>();
        try {
            progress.accept("assigning lines to customers and applying workflows");
            Map<String, Workflow> workflowOf = new LinkedHashMap<>();
            for (Customer c : config.customers()) {
                Optional<Workflow> w = config.workflowFor(c.id(), period);
                if (w.isEmpty()) {
                    warnings.add("customer " + c.id() + " has no workflow assigned for " + period
                            + "; billed at effective cost with no rules");
                }
                workflowOf.put(c.id(), w.orElse(null));
            }
            long lines = createBilled(workflowOf);
            progress.accept("computing charges, credits and invoices");
            createExtra(workflowOf);
            List<CustomerBill> bills = customerBills(workflowOf);
            BillResult result = new BillResult(period, bills, unassigned(), reconcile(), claimedTwice(), lines,
                    Duration.between(started, Instant.now()), warnings);
            progress.accept(String.format("billed %,d lines for %d customers in %.1f s", lines, bills.size(),
                    result.took().toMillis() / 1000.0));
            return result;
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "billing run for " + period + " failed in DuckDB: "
                    + e.getMessage(), e);
        }
    }

    private String fileList() {
        return DuckDb.fileList(files);
    }

    private boolean usesFreeTier() {
        return config.rules().stream().anyMatch(r -> r instanceof Rule.RemoveFreeTier);
    }

    private long createBilled(Map<String, Workflow> workflowOf) throws SQLException {
        if (files.isEmpty()) {
            throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "no line items for " + period + "; ingest the period first");
        }
        List<Object> params = new ArrayList<>();
        List<String> ctes = new ArrayList<>();
        ctes.add("src AS (SELECT * EXCLUDE (filename, file_row_number), regexp_extract(filename, '([^/]+)[.]parquet$', 1)"
                + " || '-' || file_row_number AS line_id FROM read_parquet(" + fileList()
                + ", filename = true, file_row_number = true) WHERE billing_period = ?)");
        params.add(period.toString());
        // claims (spec §2): an account's owner comes from a join with the account table, each `match` predicate is
        // evaluated once; the claimants are ordered by configuration position and the first one bills the line
        createAccountTable();
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
        boolean anyMatch = config.customers().stream().anyMatch(c -> c.match().isPresent());
        // without match predicates the owner is the only claimant: no list to build and sort per line
        String claimedBy = anyMatch
                ? "list_transform(list_sort(list_filter(" + claims + ", lambda x: x IS NOT NULL)), lambda x: x.c)"
                : "CASE WHEN owner IS NULL THEN CAST([] AS VARCHAR[]) ELSE [owner] END";
        String skuRate = usesFreeTier()
                ? ", max(CASE WHEN list_unit_price > 0 THEN list_unit_price END) OVER (PARTITION BY sku_id) AS sku_max_rate"
                : ", CAST(NULL AS " + MONEY + ") AS sku_max_rate";
        ctes.add("owned AS (SELECT src.*, a.customer_id AS owner, a.position AS owner_position FROM src"
                + " LEFT JOIN rb_accounts a ON a.account_id = src.sub_account_id)");
        ctes.add("claimed AS (SELECT * EXCLUDE (owner, owner_position), " + claimedBy + " AS claimed_by" + skuRate
                + " FROM owned)");
        ctes.add("l0 AS (SELECT *, claimed_by[1] AS customer_id FROM claimed)");

        Map<String, List<String>> customersByWorkflow = new LinkedHashMap<>();
        workflowOf.forEach((customer, w) -> customersByWorkflow.computeIfAbsent(w == null ? "" : w.id(),
                k -> new ArrayList<>()).add(customer));
        Map<String, Rule> rules = config.rulesById();
        WorkflowCompiler compiler = new WorkflowCompiler(predicates);
        List<String> branches = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, List<String>> e : customersByWorkflow.entrySet()) {
            n++;
            Workflow w = e.getKey().isEmpty()
                    ? new Workflow("", "no workflow", Workflow.Basis.EFFECTIVE, List.of())
                    : config.workflow(e.getKey()).orElseThrow();
            String from = "w" + n + "_in";
            SqlFragment in = SqlFragment.in("customer_id", e.getValue());
            ctes.add(from + " AS (SELECT * FROM l0 WHERE " + in.sql() + ")");
            params.addAll(in.params());
            WorkflowCompiler.Chain chain = compiler.compile("w" + n, from, w,
                    w.ruleIds().stream().map(rules::get).toList(), period);
            ctes.addAll(chain.ctes());
            params.addAll(chain.params());
            branches.add("SELECT *, CAST(? AS VARCHAR) AS workflow_id FROM " + chain.last());
            subtotalColumns.put(w.id(), chain.subtotals());
        }
        ctes.add("unassigned_lines AS (SELECT *, CAST(COALESCE(effective_cost, 0) AS " + MONEY + ") AS cost,"
                + " CAST(NULL AS " + MONEY + ") AS charge, FALSE AS excluded,"
                + " CAST([] AS STRUCT(rule VARCHAR, before " + MONEY + ", after " + MONEY + ")[]) AS lineage"
                + " FROM l0 WHERE customer_id IS NULL)");
        branches.add("SELECT *, CAST(NULL AS VARCHAR) AS workflow_id FROM unassigned_lines");
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE TEMP TABLE billed AS WITH ");
        sql.append(String.join(",\n", ctes));
        sql.append("\nSELECT ").append(storedColumns()).append(" FROM (").append(String.join("\nUNION ALL BY NAME\n", branches))
                .append(")").append(byCustomer ? " ORDER BY customer_id NULLS LAST" : "");
        // branch workflow ids are bound after every CTE parameter, in branch order
        List<Object> all = new ArrayList<>(params);
        for (String wf : customersByWorkflow.keySet()) {
            all.add(wf.isEmpty() ? null : wf);
        }
        // the order of lines in the table does not matter (customer order helps the per-customer exports);
        // not keeping the scan's order lets DuckDB stream and spill instead of holding lines in memory
        try (Statement s = duck.createStatement()) {
            s.execute("SET preserve_insertion_order = false");
        }
        try (PreparedStatement ps = duck.prepareStatement(sql.toString())) {
            bind(ps, all);
            ps.execute();
        }
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM billed")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private final Map<String, List<WorkflowCompiler.SubtotalPoint>> subtotalColumns = new HashMap<>();

    /** Columns the run's outputs read; writing every canonical column too is the dominant cost at 10 M lines. */
    private static final List<String> RUN_COLUMNS = List.of("line_id", "customer_id", "claimed_by", "workflow_id", "cost",
            "charge", "excluded", "lineage", "billing_account_id", "sub_account_id", "service_name", "x_charge_type",
            "billing_currency", "billed_cost", "effective_cost", "list_cost");

    /**
     * What the billed table keeps: the run's own columns (and each charge's subtotal column), or everything when the
     * per-customer FOCUS files will be written from it.
     */
    private String storedColumns() {
        if (byCustomer) {
            return "*";
        }
        boolean subtotals = subtotalColumns.values().stream().anyMatch(l -> !l.isEmpty());
        return String.join(", ", RUN_COLUMNS) + (subtotals ? ", COLUMNS('^subtotal_')" : "");
    }

    /** The linked accounts of every customer with its configuration position (spec §2: first claimant wins). */
    private void createAccountTable() throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE rb_accounts (account_id VARCHAR, customer_id VARCHAR, position INTEGER)");
        }
        try (PreparedStatement ps = duck.prepareStatement("INSERT INTO rb_accounts VALUES (?, ?, ?)")) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < config.customers().size(); i++) {
                Customer c = config.customers().get(i);
                for (String account : c.accounts()) {
                    // an account listed twice keeps its first customer; msp.yaml rejects that case with its line
                    if (seen.add(account)) {
                        ps.setString(1, account);
                        ps.setString(2, c.id());
                        ps.setInt(3, i);
                        ps.addBatch();
                    }
                }
            }
            ps.executeBatch();
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
    private void createExtra(Map<String, Workflow> workflowOf) throws SQLException {
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
                        + point.column() + ") FROM billed WHERE " + point.column() + " IS NOT NULL GROUP BY 1")) {
                    while (rs.next()) {
                        byCustomer.put(rs.getString(1), rs.getBigDecimal(2));
                    }
                }
                subtotals.put(point.column(), byCustomer);
            }
        }
        try (PreparedStatement insert = duck.prepareStatement("INSERT INTO extra VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS "
                + MONEY + "), ?)")) {
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
                    insert.setString(1, e.getKey());
                    insert.setString(2, point.rule().id());
                    insert.setString(3, point.rule().title());
                    insert.setString(4, credit ? "credit" : "charge");
                    insert.setString(5, label.service());
                    insert.setString(6, label.category().orElse(null));
                    insert.setString(7, label.subCategory().orElse(null));
                    insert.setString(8, signed.toPlainString());
                    insert.setInt(9, position);
                    insert.addBatch();
                    earlier = earlier.add(signed);
                }
            }
            insert.executeBatch();
        }
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
                "SELECT customer_id, sum(cost), sum(charge), count(*), min(billing_currency), count(DISTINCT billing_currency)"
                        + " FROM billed WHERE customer_id IS NOT NULL GROUP BY 1")) {
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
                "SELECT customer_id, COALESCE(service_name, 'Other') AS service, sum(charge) FROM billed"
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
                "SELECT billing_account_id, sub_account_id, count(*), COALESCE(sum(billed_cost), 0),"
                        + " COALESCE(sum(effective_cost), 0), COALESCE(sum(list_cost), 0) FROM billed"
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
                "SELECT sub_account_id, claimed_by, count(*) FROM billed WHERE len(claimed_by) > 1 GROUP BY ALL ORDER BY 1")) {
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

    /** Independent of the run: the period's ingested totals read from the Parquet files again. */
    private List<BillResult.Reconciliation> reconcile() throws SQLException {
        Map<String, BigDecimal[]> ingested = new LinkedHashMap<>();
        try (PreparedStatement ps = duck.prepareStatement("SELECT billing_account_id, COALESCE(sum(billed_cost), 0),"
                + " COALESCE(sum(effective_cost), 0), COALESCE(sum(list_cost), 0) FROM read_parquet(" + fileList()
                + ") WHERE billing_period = ? GROUP BY 1 ORDER BY 1 NULLS FIRST")) {
            ps.setString(1, period.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ingested.put(rs.getString(1), new BigDecimal[]{rs.getBigDecimal(2), rs.getBigDecimal(3), rs.getBigDecimal(4)});
                }
            }
        }
        Map<String, BigDecimal[]> split = new HashMap<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT billing_account_id, customer_id IS NULL AS unassigned, COALESCE(sum(billed_cost), 0),"
                        + " COALESCE(sum(effective_cost), 0), COALESCE(sum(list_cost), 0) FROM billed GROUP BY ALL")) {
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

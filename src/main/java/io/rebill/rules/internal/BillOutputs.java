package io.rebill.rules.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.rules.BillResult;
import io.rebill.rules.Customer;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.InvoiceLine;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Writes a run's files (issue: bill command): summary.csv, invoices/&lt;customer&gt;.csv, line_items/&lt;customer&gt;.parquet
 * (FOCUS 1.2 columns), unassigned.csv and reconciliation.csv. Amounts carry 10 decimals except the rounded invoice.
 */
public final class BillOutputs {
    /** The columns of the run's lines that {@link #focus} reads. */
    static final List<String> LINE_COLUMNS = List.of("customer_id", "sub_account_id", "sub_account_name", "provider_name",
            "charge_period_start", "charge_period_end", "charge_category", "charge_class", "charge_description",
            "service_name", "service_category", "region_id", "availability_zone", "resource_id", "sku_id",
            "consumed_quantity", "pricing_unit", "billing_currency", "commitment_discount_id", "commitment_discount_type",
            "commitment_discount_status", "charge", "list_cost", "list_unit_price", "tags", "line_id", "x_charge_type",
            "x_service_code", "x_usage_type", "cost", "lineage", "billed_cost", "effective_cost", "sku_price_id");
    /**
     * Lines per group of customers whose lines are written together (BillingRun#writeBilledLines): each customer's
     * file reads its whole group, so small groups read less; but DuckDB's partitioned write slows down with many
     * groups (at 10 M lines: 61 s for 100 groups, 53 s for 40 or 8), so a large month makes larger groups instead.
     */
    public static final long LINES_PER_GROUP = 250_000;
    private static final int MAX_GROUPS = 64;

    private final Connection duck;
    private final MspConfig config;
    private final Map<String, String> customerNames;
    private final BillingRun run;
    /** An empty folder of the run's own, for the grouped lines. */
    private final Path scratch;
    private final long linesPerGroup;
    private Map<String, String> invoiceIds = Map.of();

    public BillOutputs(Connection duck, MspConfig config, BillingRun run, Path scratch, long linesPerGroup) {
        this.duck = duck;
        this.config = config;
        this.customerNames = config.customers().stream().collect(java.util.stream.Collectors.toMap(Customer::id, Customer::name,
                (a, b) -> a));
        this.run = run;
        this.scratch = scratch;
        this.linesPerGroup = linesPerGroup;
    }

    /**
     * The invoice number of each customer whose invoice is issued, for the files' InvoiceId (FOCUS: null while the
     * charges are on no issued invoice, so drafts leave it null).
     */
    public BillOutputs withInvoiceIds(Map<String, String> invoiceIds) {
        this.invoiceIds = Map.copyOf(invoiceIds);
        return this;
    }

    public void write(BillResult result, Path out, Consumer<String> progress) {
        try {
            Files.createDirectories(out.resolve("invoices"));
            Files.createDirectories(out.resolve("line_items"));
            summary(result, out.resolve("summary.csv"));
            for (CustomerBill bill : result.customers()) {
                invoice(result, bill, out.resolve("invoices").resolve(bill.customerId() + ".csv"));
            }
            unassigned(result, out.resolve("unassigned.csv"));
            reconciliation(result, out.resolve("reconciliation.csv"));
            Map<String, Integer> groupOf = groups(result.customers(), linesPerGroup);
            progress.accept("writing the billed lines in " + groupOf.values().stream().distinct().count()
                    + " groups of customers");
            BillingRun.GroupedLines lines = run.writeBilledLines(scratch, LINE_COLUMNS, groupOf);
            progress.accept("writing FOCUS line items for " + result.customers().size() + " customers");
            focusFiles(result, groupOf, lines, out.resolve("line_items"));
        } catch (IOException | SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot write the bill to " + out + ": " + e.getMessage(), e);
        }
    }

    /**
     * One file per customer, written by as many connections side by side as DuckDB has threads: a customer's file
     * is one row group or a few, which one thread writes, so one COPY at a time left a core idle. Largest first, so
     * that the last files are small ones.
     */
    private void focusFiles(BillResult result, Map<String, Integer> groupOf, BillingRun.GroupedLines lines, Path folder)
            throws SQLException, IOException {
        int threads;
        try (Statement s = duck.createStatement()) {
            // the file keeps the query's ORDER BY past its first row group (a global setting: the other connections too)
            s.execute("SET preserve_insertion_order = true");
            // the charges and credits where the other connections see them: extra is this connection's own temp table
            s.execute("CREATE OR REPLACE TEMP TABLE rb_frequency (rule_id VARCHAR, frequency VARCHAR)");
        }
        try (PreparedStatement ps = duck.prepareStatement("INSERT INTO rb_frequency VALUES (?, ?)")) {
            for (Map.Entry<String, String> e : frequencies().entrySet()) {
                ps.setString(1, e.getKey());
                ps.setString(2, e.getValue());
                ps.execute();
            }
        }
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE OR REPLACE TABLE rb_extra AS SELECT e.*, COALESCE(f.frequency, 'Recurring') AS frequency,"
                    + " CAST(NULL AS TIMESTAMP) AS corrects_start, CAST(NULL AS TIMESTAMP) AS corrects_end"
                    + " FROM extra e LEFT JOIN rb_frequency f USING (rule_id)");
            try (ResultSet rs = s.executeQuery("SELECT current_setting('threads')")) {
                rs.next();
                threads = rs.getInt(1);
            }
        }
        Queue<CustomerBill> queue = new ConcurrentLinkedQueue<>(result.customers().stream()
                .sorted(Comparator.comparingLong(CustomerBill::lineCount).reversed()).toList());
        AtomicBoolean failed = new AtomicBoolean();
        List<Connection> siblings = new ArrayList<>();
        try {
            for (int i = 1; i < Math.min(threads, queue.size()); i++) {
                siblings.add(DuckDb.sibling(duck));
            }
            try (ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, siblings.size()))) {
                List<Future<Void>> others = new ArrayList<>();
                for (Connection sibling : siblings) {
                    others.add(pool.submit(() -> focusFiles(sibling, result, queue, failed, groupOf, lines, folder)));
                }
                focusFiles(duck, result, queue, failed, groupOf, lines, folder);
                for (Future<Void> f : others) {
                    f.get();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the FOCUS files", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case SQLException sql -> throw sql;
                case IOException io -> throw io;
                case RuntimeException re -> throw re;
                case null, default -> throw new IOException(e.getCause());
            }
        } finally {
            for (Connection sibling : siblings) {
                sibling.close();
            }
            try (Statement s = duck.createStatement()) {
                s.execute("DROP TABLE IF EXISTS rb_extra");
                s.execute("DROP TABLE IF EXISTS rb_frequency");
            }
        }
    }

    /** Writes the files of the customers it takes from {@code queue} until none is left or another writer failed. */
    private Void focusFiles(Connection connection, BillResult result, Queue<CustomerBill> queue, AtomicBoolean failed,
                            Map<String, Integer> groupOf, BillingRun.GroupedLines lines, Path folder)
            throws SQLException, IOException {
        try {
            for (CustomerBill bill = queue.poll(); bill != null && !failed.get(); bill = queue.poll()) {
                focus(connection, result, bill, lines.files(groupOf.get(bill.customerId())),
                        folder.resolve(bill.customerId() + ".parquet"));
            }
            return null;
        } catch (SQLException | IOException | RuntimeException e) {
            failed.set(true);
            throw e;
        }
    }

    /**
     * Customers with lines in groups of about {@code linesPerGroup} lines, never more than {@link #MAX_GROUPS}: the
     * largest customers first, each into the group with the fewest lines so far, so that the groups come out even.
     */
    static Map<String, Integer> groups(List<CustomerBill> customers, long linesPerGroup) {
        long total = customers.stream().mapToLong(CustomerBill::lineCount).sum();
        long[] filled = new long[(int) Math.clamp((total + linesPerGroup - 1) / linesPerGroup, 1, MAX_GROUPS)];
        Map<String, Integer> groupOf = new LinkedHashMap<>();
        customers.stream().filter(b -> b.lineCount() > 0)
                .sorted(Comparator.comparingLong(CustomerBill::lineCount).reversed())
                .forEach(b -> {
                    int least = 0;
                    for (int g = 1; g < filled.length; g++) {
                        least = filled[g] < filled[least] ? g : least;
                    }
                    groupOf.put(b.customerId(), least);
                    filled[least] += b.lineCount();
                });
        return groupOf;
    }

    /** ChargeFrequency of each charge and credit: monthly ones recur, one-time ones happen once. */
    private Map<String, String> frequencies() {
        return frequencies(config);
    }

    /** ChargeFrequency of each charge and credit rule of {@code config} (RunLines keeps them with the run). */
    static Map<String, String> frequencies(MspConfig config) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Rule rule : config.rules()) {
            if (rule instanceof Rule.AddedLine added) {
                m.put(rule.id(), switch (added.frequency()) {
                    case MONTHLY -> "Recurring";
                    case ONE_TIME -> "One-Time";
                });
            }
        }
        return m;
    }

    static String ten(BigDecimal v) {
        return v.setScale(10, RoundingMode.HALF_UP).toPlainString();
    }

    private static void csv(Path file, List<String> header, List<List<String>> rows) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(String.join(",", header));
            w.write('\n');
            for (List<String> row : rows) {
                w.write(String.join(",", row.stream().map(BillOutputs::cell).toList()));
                w.write('\n');
            }
        }
    }

    private static String cell(String v) {
        if (v == null) {
            return "";
        }
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    private void summary(BillResult r, Path file) throws IOException {
        csv(file, List.of("customer_id", "billing_period", "cost", "charge", "margin", "margin_pct", "invoice_total", "currency"),
                r.customers().stream().map(b -> List.of(b.customerId(), r.period().toString(), ten(b.cost()), ten(b.charge()),
                        ten(b.margin()), b.marginPercent().map(BillOutputs::ten).orElse(""),
                        b.invoiceTotal().toPlainString(), b.currency())).toList());
    }

    private void invoice(BillResult r, CustomerBill b, Path file) throws IOException {
        csv(file, List.of("customer_id", "billing_period", "line_type", "service", "category", "sub_category", "amount", "currency"),
                b.invoice().stream().map(l -> java.util.Arrays.asList(b.customerId(), r.period().toString(),
                        l.kind().name().toLowerCase(java.util.Locale.ROOT), l.service(), l.category(), l.subCategory(),
                        l.amount().toPlainString(), b.currency())).toList());
    }

    private void unassigned(BillResult r, Path file) throws IOException {
        csv(file, List.of("billing_period", "billing_account_id", "sub_account_id", "line_count", "billed_cost",
                        "effective_cost", "list_cost"),
                r.unassigned().stream().map(u -> java.util.Arrays.asList(r.period().toString(), u.billingAccountId(),
                        u.subAccountId(), String.valueOf(u.lineCount()), ten(u.billed()), ten(u.effective()), ten(u.list()))).toList());
    }

    private void reconciliation(BillResult r, Path file) throws IOException {
        csv(file, List.of("billing_period", "billing_account_id", "basis", "customers_cost", "unassigned_cost",
                        "ingested_total", "difference", "holds"),
                r.reconciliation().stream().map(x -> java.util.Arrays.asList(r.period().toString(), x.billingAccountId(),
                        x.basis(), x.customers().toPlainString(), x.unassigned().toPlainString(), x.ingested().toPlainString(),
                        x.difference().toPlainString(), String.valueOf(x.holds()))).toList());
    }

    /**
     * FOCUS 1.2 as the customer's invoice issuer (the MSP) states it (spec §5; the columns in {@link FocusColumns});
     * excluded lines are not there. The lines come in line id order, then the charges and credits in workflow order,
     * so that two runs of the same bill write the same file. Every amount is DECIMAL(38,24), whatever the scale the
     * period's costs are stored at.
     */
    private void focus(Connection connection, BillResult r, CustomerBill b, List<Path> lines, Path file) throws SQLException {
        String periodStart = r.period().month().atDay(1) + " 00:00:00";
        String periodEnd = r.period().month().plusMonths(1).atDay(1) + " 00:00:00";
        String sql = "COPY (WITH rb_ctx AS (SELECT CAST(? AS VARCHAR) AS rb_customer, CAST(? AS VARCHAR) AS rb_customer_name,"
                + " CAST(? AS VARCHAR) AS rb_msp, CAST(? AS TIMESTAMP) AS rb_period_start, CAST(? AS TIMESTAMP) AS rb_period_end,"
                + " CAST(? AS VARCHAR) AS rb_currency, CAST(? AS VARCHAR) AS rb_invoice_id)"
                + " SELECT * EXCLUDE (rb_part, rb_position) FROM ("
                + "SELECT " + FocusColumns.lineSelect() + ", 0 AS rb_part, CAST(NULL AS INTEGER) AS rb_position"
                + " FROM (" + FocusColumns.linePrelude("(SELECT * FROM read_parquet(" + DuckDb.fileList(lines)
                + ", hive_partitioning = false) WHERE customer_id = ?)") + "), rb_ctx"
                + " UNION ALL BY NAME"
                + " SELECT " + FocusColumns.extraSelect() + ", 1 AS rb_part, position AS rb_position"
                + " FROM rb_extra, rb_ctx WHERE customer_id = ?) ORDER BY rb_part, rb_position, x_LineId) TO '"
                + DuckDb.literal(file.toString()) + "' (FORMAT parquet, COMPRESSION zstd)";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            BillingRun.bind(ps, java.util.Arrays.<Object>asList(b.customerId(), customerNames.getOrDefault(b.customerId(), b.customerId()),
                    config.mspName(), periodStart, periodEnd, b.currency(), invoiceIds.get(b.customerId()), b.customerId(),
                    b.customerId()));
            ps.execute();
        }
    }
}

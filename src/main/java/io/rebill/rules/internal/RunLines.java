package io.rebill.rules.internal;

import io.rebill.rules.BillResult;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.CustomerFocus;
import io.rebill.rules.MspConfig;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;
import io.rebill.shared.time.BillingPeriod;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A bill run's re-billed lines, kept with the run (issue 12 item 7): one Parquet file of every line a customer is
 * billed for, ordered by customer, in row groups of {@value #ROW_GROUP} lines, so that reading one customer's lines
 * reads only the row groups whose customer_id min/max hold it. Beside it the run's charges and credits and one row
 * per billed customer (name, currency, the MSP, the period), and the dictionary of the lines' tag sets ({@link KeptTags}:
 * a line keeps its tag set's key). All are written into a staging folder and moved into place in one rename, so a run
 * that fails leaves no folder and every earlier run's folder as it was.
 * <p>
 * The lines keep only what a customer may see ({@link #COLUMNS}): the customer's charge and the line's own
 * descriptive columns, never the MSP's cost, amortised cost or lineage, nor an excluded or unassigned line. A
 * customer's FOCUS 1.2 file ({@link #focus}) is computed from them on request.
 */
public final class RunLines {
    /**
     * The lines: a folder of Parquet files, one per writer thread, each ordered by customer (the sort's output is
     * handed to the writers in order, so each file's row groups follow each other by customer). One writer alone
     * kept a core idle while the other sorted (docs/benchmarks.md, "Re-billed lines", session 10).
     */
    static final String LINES = "lines";
    /** A run kept before session 10: its lines in one file. */
    static final String LINES_FILE = "lines.parquet";
    static final String CHARGES = "charges.parquet";
    static final String CUSTOMERS = "customers.parquet";
    /** The lines' tag sets by key ({@link KeptTags}); a run kept before session 11 has its tags on its lines. */
    static final String TAG_SETS = KeptTags.FILE;
    /** Lines per row group: a customer of 50,000 lines reads four or five of them (docs/benchmarks.md, lines). */
    static final int ROW_GROUP = 16_384;
    /** What the customer's file reads of a line: {@link BillOutputs#LINE_COLUMNS} without the MSP's cost columns. */
    public static final List<String> COLUMNS = BillOutputs.LINE_COLUMNS.stream()
            .filter(c -> !List.of("cost", "lineage", "billed_cost", "effective_cost").contains(c)).toList();

    private RunLines() {
    }

    /** Writes the run's lines, charges and customers into {@code folder}, which must not exist yet. */
    public static void write(Connection duck, BillingRun run, MspConfig config, BillingPeriod period, BillResult result,
                             Path folder) {
        write(duck, run, config, period, result, folder, ROW_GROUP, staging -> { }, true);
    }

    /**
     * As above; {@code first} writes more of the run's files into the staging folder before the lines (the fine
     * aggregates), so that they appear with the lines in the one rename or not at all.
     */
    public static void write(Connection duck, BillingRun run, MspConfig config, BillingPeriod period, BillResult result,
                             Path folder, java.util.function.Consumer<Path> first) {
        write(duck, run, config, period, result, folder, ROW_GROUP, first, true);
    }

    /** As above, with {@code rowGroup} lines per row group (tests make several row groups of a few lines). */
    public static void write(Connection duck, BillingRun run, MspConfig config, BillingPeriod period, BillResult result,
                             Path folder, int rowGroup) {
        write(duck, run, config, period, result, folder, rowGroup, staging -> { }, true);
    }

    /** As above, with the tags on the lines instead of a dictionary when {@code keyedTags} is false (tests). */
    public static void write(Connection duck, BillingRun run, MspConfig config, BillingPeriod period, BillResult result,
                      Path folder, int rowGroup, boolean keyedTags) {
        write(duck, run, config, period, result, folder, rowGroup, staging -> { }, keyedTags);
    }

    private static void write(Connection duck, BillingRun run, MspConfig config, BillingPeriod period,
                              BillResult result, Path folder, int rowGroup, java.util.function.Consumer<Path> first,
                              boolean keyedTags) {
        Path staging = folder.resolveSibling("." + folder.getFileName() + ".staging-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            first.accept(staging);
            try (Statement s = duck.createStatement()) {
                s.execute("CREATE OR REPLACE TEMP TABLE rb_run_frequency (rule_id VARCHAR, frequency VARCHAR)");
                s.execute("CREATE OR REPLACE TEMP TABLE rb_run_customers (customer_id VARCHAR, customer_name VARCHAR,"
                        + " msp VARCHAR, currency VARCHAR, period_start TIMESTAMP, period_end TIMESTAMP)");
            }
            try (PreparedStatement ps = duck.prepareStatement("INSERT INTO rb_run_frequency VALUES (?, ?)")) {
                for (Map.Entry<String, String> e : BillOutputs.frequencies(config).entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setString(2, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            String start = period.month().atDay(1) + " 00:00:00";
            String end = period.month().plusMonths(1).atDay(1) + " 00:00:00";
            try (PreparedStatement ps = duck.prepareStatement("INSERT INTO rb_run_customers VALUES (?, ?, ?, ?,"
                    + " CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP))")) {
                for (CustomerBill b : result.customers()) {
                    BillingRun.bind(ps, List.<Object>of(b.customerId(), b.name(), config.mspName(), b.currency(), start, end));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            // every kept line is a billed customer's: its customer is in rb_run_customers (the ENUM's cast says so)
            try (KeptEnums enums = KeptEnums.create(duck, run.storedRelation(), period.toString(), COLUMNS,
                    "rb_run_customers");
                 KeptTags tags = keyedTags ? KeptTags.create(duck, run.storedRelation(), period.toString())
                         : KeptTags.inline(duck)) {
                run.copyBilledLines(COLUMNS.stream().map(c -> c.equals("tags") ? tags.select() : enums.select(c)).toList(),
                        enums.customerOrder(), staging.resolve(LINES), "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE "
                                + rowGroup + ", PER_THREAD_OUTPUT true");
                tags.write(staging);
            }
            try (Statement s = duck.createStatement()) {
                s.execute("COPY (SELECT e.customer_id, e.rule_id, e.title, e.kind, e.service, e.amount, e.position,"
                        + " COALESCE(f.frequency, 'Recurring') AS frequency FROM extra e LEFT JOIN rb_run_frequency f"
                        + " USING (rule_id) ORDER BY customer_id, position) TO '"
                        + DuckDb.literal(staging.resolve(CHARGES).toString()) + "' (FORMAT parquet)");
                s.execute("COPY (SELECT * FROM rb_run_customers ORDER BY customer_id) TO '"
                        + DuckDb.literal(staging.resolve(CUSTOMERS).toString()) + "' (FORMAT parquet)");
            }
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | SQLException | RuntimeException e) {
            Trees.delete(staging);
            if (e instanceof RebillException re) {
                throw re;
            }
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot keep the re-billed lines of " + period + " in "
                    + folder.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes one customer's FOCUS 1.2 file from a run's folder to {@code out}: its lines (only the row groups that
     * hold the customer are read), its charges and credits, and the correction lines of its invoice, in that
     * order (lines by x_LineId). Returns the rows written; a customer the run did not bill is an error naming it.
     */
    public static long focus(Connection duck, Path folder, CustomerFocus request, Path out) {
        // a run written before lines kept their account's name (or their price id) has none: NULL (the id is shown)
        String lines = "(SELECT * FROM " + lines(folder) + " UNION ALL BY NAME"
                + " SELECT CAST(NULL AS VARCHAR) AS sub_account_name, CAST(NULL AS VARCHAR) AS sku_price_id WHERE false)";
        String charges = parquet(folder.resolve(CHARGES));
        String customers = parquet(folder.resolve(CUSTOMERS));
        try {
            try (PreparedStatement ps = duck.prepareStatement("SELECT count(*) FROM " + customers + " WHERE customer_id = ?")) {
                ps.setString(1, request.customerKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "the bill run has no re-billed costs of this account");
                    }
                }
            }
            try (Statement s = duck.createStatement()) {
                s.execute("CREATE OR REPLACE TEMP TABLE rb_corrections (customer_id VARCHAR, rule_id VARCHAR, title VARCHAR,"
                        + " kind VARCHAR, service VARCHAR, amount " + BillingRun.MONEY + ", position INTEGER, frequency VARCHAR,"
                        + " corrects_start TIMESTAMP, corrects_end TIMESTAMP)");
            }
            try (PreparedStatement ps = duck.prepareStatement("INSERT INTO rb_corrections VALUES (?, ?, ?, 'correction', ?,"
                    + " CAST(? AS " + BillingRun.MONEY + "), ?, 'One-Time', CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP))")) {
                int position = 1_000_000;
                for (CustomerFocus.Correction c : request.corrections()) {
                    BillingRun.bind(ps, java.util.Arrays.asList(request.customerKey(), "correction/" + c.invoiceNumber() + "/"
                            + c.line(), c.description(), c.line(), c.amount().toPlainString(), position++,
                            c.corrects().month().atDay(1) + " 00:00:00", c.corrects().month().plusMonths(1).atDay(1) + " 00:00:00"));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            String format = switch (request.format()) {
                case PARQUET -> "FORMAT parquet, COMPRESSION zstd";
                case CSV -> "FORMAT csv, HEADER true, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ'";
            };
            String sql = "COPY (WITH rb_ctx AS (SELECT customer_id AS rb_customer, customer_name AS rb_customer_name,"
                    + " msp AS rb_msp, period_start AS rb_period_start, period_end AS rb_period_end, currency AS rb_currency,"
                    + " CAST(? AS VARCHAR) AS rb_invoice_id FROM " + customers + " WHERE customer_id = ?)"
                    + " SELECT * EXCLUDE (rb_part, rb_position) FROM ("
                    + "SELECT " + FocusColumns.customerLineSelect() + ", 0 AS rb_part, CAST(NULL AS INTEGER) AS rb_position"
                    + " FROM (" + FocusColumns.linePrelude("(SELECT * FROM " + lines + " WHERE customer_id = ?)")
                    + "), rb_ctx"
                    + " UNION ALL BY NAME"
                    + " SELECT " + FocusColumns.customerExtraSelect() + ", 1 AS rb_part, position AS rb_position FROM ("
                    + "SELECT *, CAST(NULL AS TIMESTAMP) AS corrects_start, CAST(NULL AS TIMESTAMP) AS corrects_end FROM "
                    + charges + " WHERE customer_id = ? UNION ALL BY NAME SELECT * FROM rb_corrections), rb_ctx"
                    + ") ORDER BY rb_part, rb_position, x_LineId) TO '" + DuckDb.literal(out.toString()) + "' (" + format + ")";
            try (PreparedStatement ps = duck.prepareStatement(sql)) {
                BillingRun.bind(ps, java.util.Arrays.asList(request.invoiceId().orElse(null), request.customerKey(),
                        request.customerKey(), request.customerKey()));
                ps.execute();
                return Math.max(ps.getUpdateCount(), 0);
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot read the re-billed lines of the bill run: "
                    + e.getMessage(), e);
        }
    }

    /** Whether {@code runFolder} has its kept lines (as a folder of files, or one file of an earlier version). */
    public static boolean hasLines(Path runFolder) {
        return Files.isDirectory(runFolder.resolve(LINES)) || Files.exists(runFolder.resolve(LINES_FILE));
    }

    /**
     * The kept lines of {@code runFolder} as a relation with their tags: the folder's files (their tags by key from
     * the run's tag dictionary, {@link KeptTags}), or one file of an earlier version.
     */
    static String lines(Path runFolder) {
        Path folder = runFolder.resolve(LINES);
        return Files.isDirectory(folder)
                ? KeptTags.withTags(runFolder, "read_parquet('" + DuckDb.literal(folder.toString()) + "/*.parquet')")
                : parquet(runFolder.resolve(LINES_FILE));
    }

    private static String parquet(Path file) {
        return "read_parquet('" + DuckDb.literal(file.toString()) + "')";
    }

    /** The run folders of a period other than {@code keep}, oldest first (what a later successful run removes). */
    public static List<Path> others(Path periodFolder, Path keep) throws IOException {
        List<Path> others = new ArrayList<>();
        if (!Files.isDirectory(periodFolder)) {
            return others;
        }
        try (var entries = Files.list(periodFolder)) {
            entries.filter(p -> !p.equals(keep)).sorted().forEach(others::add);
        }
        return others;
    }
}

package io.rebill.cli;

import io.rebill.demo.DemoAccount;
import io.rebill.ingestion.AccountSums;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.BillResult;
import io.rebill.rules.CustomerBill;
import io.rebill.rules.MspConfig;
import io.rebill.rules.PredicateCompiler;
import io.rebill.rules.internal.BillingRun;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingest writes each stored file's sums per account beside it (AccountSums), and a bill reads its line counts, billed
 * cost and ingested totals from them instead of summing two more columns of every line (docs/benchmarks.md, "Billing
 * in the product", session 15): the same bill as from the lines alone, customer by customer, unassigned account by
 * account and basis by basis; the totals it reconciles against are the stored sums, so sums that disagree with the
 * lines fail the reconciliation; and a period stored without them (before they were written) bills from the lines.
 */
class AccountSumsBillTest {
    static final BillingPeriod PERIOD = BenchMonth.PERIOD;

    @TempDir
    Path dir;

    @Test
    void theBillFromTheStoredAccountSumsIsTheBillFromTheLinesAndTheirTotalsAreChecked() throws Exception {
        BenchMonth month = BenchMonth.ingested(dir, 13, 40_000, 20, 5);
        RebillSettings settings = month.settings();
        List<Path> stored = month.stored();
        // one account no customer has: its lines are unassigned, with their count and billed cost
        List<DemoAccount> linked = new ArrayList<>(month.accounts());
        DemoAccount unlinked = linked.removeFirst();
        MspConfig config = BenchWorkflow.config(linked, PERIOD);

        // every stored file has its sums beside it, per account exactly what its lines sum to (0 where no line has a value)
        List<Path> sums = AccountSums.beside(stored).orElseThrow();
        try (Connection duck = DuckDb.open(settings)) {
            for (int i = 0; i < stored.size(); i++) {
                String fromLines = "SELECT billing_period, billing_account_id, sub_account_id, billing_currency, count(*),"
                        + " COALESCE(sum(billed_cost), 0), COALESCE(sum(effective_cost), 0), COALESCE(sum(list_cost), 0)"
                        + " FROM read_parquet('" + stored.get(i) + "') GROUP BY ALL";
                String fromSums = "SELECT " + String.join(", ", AccountSums.COLUMNS) + " FROM read_parquet('" + sums.get(i) + "')";
                assertThat(count(duck, fromSums)).as("the 20 linked accounts and the payer's own").isEqualTo(21);
                assertThat(count(duck, "(" + fromLines + ") EXCEPT (" + fromSums + ")")).isZero();
                assertThat(count(duck, "(" + fromSums + ") EXCEPT (" + fromLines + ")")).isZero();
            }
        }

        Billed fromSums = bill(settings, config, stored);
        assertThat(fromSums.lineSums()).as("the pass over the lines neither counts them nor sums their billed cost")
                .doesNotContain("count(*)").doesNotContain("sum(billed_cost)").contains("sum(effective_cost)");
        assertThat(fromSums.bill().reconciles()).isTrue();
        // (the payer's own account, with its fees, is no customer's either)
        assertThat(fromSums.bill().unassigned()).extracting(u -> u.subAccountId())
                .containsExactlyInAnyOrder(unlinked.accountId(), BenchWorkflow.PAYER);
        assertThat(fromSums.bill().unassigned()).filteredOn(u -> u.subAccountId().equals(unlinked.accountId())).singleElement().satisfies(u -> {
            assertThat(u.lineCount()).isPositive();
            assertThat(u.billed().signum()).isPositive();
        });
        assertThat(fromSums.bill().lines()).isEqualTo(40_000);

        // sums that disagree with the lines (one account's effective cost a cent more): reconciliation fails on that
        // basis by that cent, as the lines and the sums are summed apart
        Path saved = dir.resolve("saved.accounts");
        Files.copy(sums.getFirst(), saved);
        try (Connection duck = DuckDb.open(settings); Statement s = duck.createStatement()) {
            s.execute("COPY (SELECT * REPLACE (CASE WHEN sub_account_id = '" + linked.getFirst().accountId() + "' THEN"
                    + " effective_cost + 0.01 ELSE effective_cost END AS effective_cost) FROM read_parquet('" + saved + "')) TO '"
                    + sums.getFirst() + "' (FORMAT parquet)");
        }
        BillResult tampered = bill(settings, config, stored).bill();
        assertThat(tampered.reconciles()).isFalse();
        assertThat(tampered.reconciliation()).filteredOn(r -> r.difference().signum() != 0).singleElement().satisfies(r -> {
            assertThat(r.basis()).isEqualTo("effective");
            assertThat(r.difference()).isEqualByComparingTo("-0.01");
        });

        // stored before the sums were written: the same bill, from the lines
        for (Path s : sums) {
            Files.delete(s);
        }
        Billed fromLines = bill(settings, config, stored);
        assertThat(fromLines.lineSums()).contains("count(*)").contains("sum(billed_cost)");
        assertThat(describe(fromSums.bill())).isEqualTo(describe(fromLines.bill()));
    }

    private record Billed(BillResult bill, String lineSums) {
    }

    /** The bill, and the statement that summed the stored lines as DuckDB's log has it. */
    private static Billed bill(RebillSettings settings, MspConfig config, List<Path> stored) throws Exception {
        try (Connection duck = DuckDb.openScratch(settings, "billing")) {
            try (Statement s = duck.createStatement()) {
                s.execute("CALL enable_logging('QueryLog')");
            }
            BillResult bill = new BillingRun(duck, config, PERIOD, stored, PredicateCompiler.cel(), new InvoiceAssembly(),
                    m -> { }).run();
            try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT message FROM duckdb_logs"
                    + " WHERE type = 'QueryLog' AND message LIKE 'CREATE OR REPLACE TEMP TABLE rb_line_sums AS %'")) {
                assertThat(rs.next()).isTrue();
                return new Billed(bill, rs.getString(1));
            }
        }
    }

    /** What a user reads of a bill: customers, unassigned accounts, reconciliation, as text (exact values). */
    private static List<String> describe(BillResult r) {
        List<String> out = new ArrayList<>();
        for (CustomerBill c : r.customers()) {
            out.add(c.customerId() + " lines=" + c.lineCount() + " cost=" + plain(c.cost()) + " charge=" + plain(c.charge())
                    + " total=" + plain(c.invoiceTotal()) + " invoice=" + c.invoice().stream()
                    .map(l -> l.kind() + ":" + l.service() + ":" + l.category() + ":" + plain(l.exact()) + ":" + plain(l.amount())).toList());
        }
        r.unassigned().forEach(u -> out.add("unassigned " + u.billingAccountId() + "/" + u.subAccountId() + " lines="
                + u.lineCount() + " " + plain(u.billed()) + " " + plain(u.effective()) + " " + plain(u.list())));
        r.reconciliation().forEach(x -> out.add("reconciliation " + x.billingAccountId() + " " + x.basis() + " "
                + plain(x.customers()) + " + " + plain(x.unassigned()) + " = " + plain(x.ingested())));
        out.add("lines " + r.lines());
        return out;
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }

    private static long count(Connection duck, String query) throws Exception {
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM (" + query + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

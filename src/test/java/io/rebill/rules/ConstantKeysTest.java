package io.rebill.rules;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LineItemFixture;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.rules.internal.BillingRun;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bill's one pass over the lines groups them by the payer account and the currency only when the stored lines
 * have more than one of either (RunChain's constant keys, docs/benchmarks.md "Billing in the product", session 14):
 * a key every line shares is a bound value, not a string hashed per line. Read from DuckDB's own log of the statements
 * the run sent; the amounts of both cases are SeedWorkflowGoldenTest's.
 */
class ConstantKeysTest {
    @TempDir
    Path dir;

    @Test
    void onePayerAndOneCurrencyAreBoundAsValuesNotGroupedPerLine() throws Exception {
        String sums = lineSums(List.of(
                aLineItem().account("111111111111").cost("10").list("10", "10"),
                aLineItem().account("222222222222").cost("100").list("100", "100")));
        assertThat(sums).contains("CAST(? AS VARCHAR) AS billing_account_id")
                .contains("CAST(? AS VARCHAR) AS billing_currency");
    }

    @Test
    void twoPayersStayAKeyOfTheSums() throws Exception {
        String sums = lineSums(List.of(
                aLineItem().payer("444444444444").account("111111111111").cost("10").list("10", "10"),
                aLineItem().payer("555555555555").account("222222222222").cost("100").list("100", "100")));
        assertThat(sums).doesNotContain("AS billing_account_id").contains("SELECT billing_account_id, sub_account_id")
                .contains("CAST(? AS VARCHAR) AS billing_currency");
    }

    /** The statement that sums the stored lines, as the run sent it to DuckDB. */
    private String lineSums(List<LineItemFixture> lines) throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(lines, dir.resolve("cur.csv"))), ProgressListener.silent());
        try (Connection duck = DuckDb.openScratch(settings, "billing")) {
            try (Statement s = duck.createStatement()) {
                s.execute("CALL enable_logging('QueryLog')");
            }
            new BillingRun(duck, new SeedWorkflowGoldenTest().config(), GoldenBills.SEPT,
                    ingestion.lineItemFiles("payer", GoldenBills.SEPT), SeedWorkflowGoldenTest.NO_CEL,
                    new InvoiceAssembly(), m -> { }).run();
            try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT message FROM duckdb_logs"
                    + " WHERE type = 'QueryLog' AND message LIKE 'CREATE OR REPLACE TEMP TABLE rb_line_sums AS %'"
                    + " ORDER BY timestamp DESC LIMIT 1")) {
                assertThat(rs.next()).as("the run's sums of the stored lines").isTrue();
                return rs.getString(1);
            }
        }
    }
}

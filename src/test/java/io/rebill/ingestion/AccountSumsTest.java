package io.rebill.ingestion;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each stored file's account sums (AccountSums) hold exactly its lines per payer, account and currency: for a file
 * of one period, and for a file of two periods that ingest splits into one stored file per period, each with the sums
 * of its own period only; a restated period's new files get their own.
 */
class AccountSumsTest {
    @TempDir
    Path dir;

    @Test
    void aFileOfTwoPeriodsGivesEachPeriodsStoredFileTheSumsOfItsOwnAccounts() throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        List<LineItemFixture> lines = new ArrayList<>(List.of(
                sept().account("111111111111").cost("10.25").list("12.5", "12.5"),
                sept().account("111111111111").cost("0.000000000001").list("0.000000000001", "1"),
                sept().account("222222222222").cost("7").list("8", "8"),
                oct().account("111111111111").cost("3.3").list("3.3", "3.3"),
                oct().account("333333333333").cost("-1.5").list("-1.5", "1")));
        ingestion.ingest("payer", List.of(TestFiles.curCsv(lines, dir.resolve("cur.csv"))), ProgressListener.silent());

        assertThat(sums(settings, ingestion, "2024-09")).containsExactly(
                "2024-09 999999999999 111111111111 USD 2 10.250000000001 10.250000000001 12.500000000001",
                "2024-09 999999999999 222222222222 USD 1 7 7 8");
        assertThat(sums(settings, ingestion, "2024-10")).containsExactly(
                "2024-10 999999999999 111111111111 USD 1 3.3 3.3 3.3",
                "2024-10 999999999999 333333333333 USD 1 -1.5 -1.5 -1.5");

        // October restated: its new files have their own sums, September's stay
        ingestion.ingest("payer", List.of(TestFiles.curCsv(List.of(oct().account("333333333333").cost("4").list("5", "5")),
                dir.resolve("oct.csv"))), ProgressListener.silent());
        assertThat(sums(settings, ingestion, "2024-10")).containsExactly("2024-10 999999999999 333333333333 USD 1 4 4 5");
        assertThat(sums(settings, ingestion, "2024-09")).hasSize(2);
    }

    private static LineItemFixture sept() {
        return aLineItem().payer("999999999999").period("2024-09-01T00:00:00Z", "2024-10-01T00:00:00Z")
                .usage("2024-09-02T00:00:00Z", "2024-09-02T01:00:00Z");
    }

    private static LineItemFixture oct() {
        return aLineItem().payer("999999999999").period("2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z")
                .usage("2024-10-02T00:00:00Z", "2024-10-02T01:00:00Z");
    }

    /** The rows of the period's stored account sums, as text with exact amounts. */
    private static List<String> sums(RebillSettings settings, Ingestion ingestion, String period) throws Exception {
        List<Path> files = ingestion.lineItemFiles("payer", BillingPeriod.parse(period));
        List<Path> sums = AccountSums.beside(files).orElseThrow();
        List<String> rows = new ArrayList<>();
        try (Connection duck = DuckDb.open(settings); Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + String.join(", ", AccountSums.COLUMNS) + " FROM read_parquet("
                     + DuckDb.fileList(sums) + ") ORDER BY ALL")) {
            while (rs.next()) {
                StringBuilder row = new StringBuilder(rs.getString(1));
                for (int i = 2; i <= 4; i++) {
                    row.append(' ').append(rs.getString(i));
                }
                row.append(' ').append(rs.getLong(5));
                for (int i = 6; i <= 8; i++) {
                    row.append(' ').append(rs.getBigDecimal(i).stripTrailingZeros().toPlainString());
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}

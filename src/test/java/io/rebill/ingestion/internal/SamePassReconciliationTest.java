package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.CostSums;
import io.rebill.ingestion.ReconciliationReport;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ingest reads a provider file once: the input side of reconciliation is computed beside the mapping and stored per
 * line as input minus stored. These tests stage a small CUR file with the real mapping and with deliberately wrong
 * ones, and require the input sums from the staged check columns to equal a separate scan of the file, so that a
 * mapping that changes an amount or a period fails reconciliation exactly as the separate scan would make it fail.
 */
class SamePassReconciliationTest {
    static final BillingPeriod SEPTEMBER = BillingPeriod.parse("2024-09");
    static final BillingPeriod OCTOBER = BillingPeriod.parse("2024-10");

    @TempDir
    Path dir;
    Connection duck;
    SniffedFile file;

    @BeforeEach
    void aCurFileOverTwoPeriods() throws IOException, SQLException {
        Path csv = dir.resolve("cur.csv");
        Files.writeString(csv, String.join("\n",
                "identity/LineItemId,bill/PayerAccountId,bill/BillingPeriodStartDate,lineItem/UsageAccountId,"
                        + "lineItem/LineItemType,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,"
                        + "lineItem/CurrencyCode,pricing/publicOnDemandCost,reservation/ReservationARN,"
                        + "reservation/EffectiveCost,reservation/UnusedAmortizedUpfrontFeeForBillingPeriod,"
                        + "reservation/UnusedRecurringFee",
                "a,111111111111,2024-09-01T00:00:00Z,222222222222,Usage,2024-09-03T00:00:00Z,AmazonEC2,10.5,USD,12.25,,,,",
                "b,111111111111,2024-09-01T00:00:00Z,222222222222,DiscountedUsage,2024-09-03T00:00:00Z,AmazonEC2,0,USD,4,"
                        + "arn:aws:ec2:us-east-1:111111111111:reserved-instances/r1,3.125,,",
                "c,111111111111,2024-09-01T00:00:00Z,111111111111,RIFee,2024-09-01T00:00:00Z,AmazonEC2,100,USD,,"
                        + "arn:aws:ec2:us-east-1:111111111111:reserved-instances/r1,,1.5,2.25",
                "d,111111111111,2024-10-01T00:00:00Z,222222222222,Usage,2024-10-07T00:00:00Z,AmazonS3,0.000000000001,USD,"
                        + "0.000000000002,,,,") + "\n");
        duck = DriverManager.getConnection("jdbc:duckdb:");
        Sql.prepare(duck);
        file = FileSniffer.sniff(csv, duck);
    }

    @org.junit.jupiter.api.AfterEach
    void close() throws SQLException {
        duck.close();
    }

    /** Stages the file with {@code template} as its mapping, as ingest does (costs at 12 places), into one Parquet file. */
    private Path stage(String template) throws SQLException {
        Path part = dir.resolve("staged-" + System.nanoTime() + ".parquet");
        String select = new MappingQuery(file, CanonicalColumn.NARROW_MONEY_SCALE).canonicalSelect(template, true);
        try (Statement s = duck.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + DuckDb.literal(part.toString()) + "' (FORMAT parquet)");
        }
        return part;
    }

    private static String realMapping() {
        return Sql.resource(SourceFormat.CUR_LEGACY.canonicalSql());
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    private ReconciliationReport reconcile(Path part) throws SQLException {
        return Reconciliation.compare("payer-1", InputSums.of(file, StagedSums.scan(duck, part, true)), StagedSums.of(duck, List.of(part)));
    }

    @Test
    void theStagedInputSideEqualsASeparateScanOfTheFile() throws SQLException {
        Path part = stage(realMapping());
        Map<BillingPeriod, CostSums> staged = InputSums.of(file, StagedSums.scan(duck, part, true));
        Map<BillingPeriod, CostSums> scanned = InputSums.of(duck, file);
        assertThat(staged.keySet()).containsExactly(SEPTEMBER, OCTOBER);
        for (BillingPeriod p : List.of(SEPTEMBER, OCTOBER)) {
            assertThat(staged.get(p).lineCount()).isEqualTo(scanned.get(p).lineCount());
            assertThat(plain(staged.get(p).billed())).isEqualTo(plain(scanned.get(p).billed()));
            assertThat(plain(staged.get(p).effective())).isEqualTo(plain(scanned.get(p).effective()));
            assertThat(plain(staged.get(p).list())).isEqualTo(plain(scanned.get(p).list()));
        }
        // the spec's amortisation restated: usage 10.5 + RI effective 3.125 + unused RI 1.5 + 2.25
        assertThat(plain(staged.get(SEPTEMBER).billed())).isEqualTo("110.5");
        assertThat(plain(staged.get(SEPTEMBER).effective())).isEqualTo("17.375");
        assertThat(plain(staged.get(SEPTEMBER).list())).isEqualTo("16.25");
        assertThat(plain(staged.get(OCTOBER).billed())).isEqualTo("0.000000000001");
        assertThat(staged.get(SEPTEMBER).lineCount()).isEqualTo(3);
        assertThat(reconcile(part).holds()).isTrue();
        // a faithful mapping leaves every check at zero (or NULL for the period), which Parquet stores in a few bytes
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FILTER (rb_check_period IS NOT NULL"
                + " OR rb_check_billed <> 0 OR rb_check_effective <> 0 OR rb_check_list <> 0), count(*) FROM read_parquet('"
                + DuckDb.literal(part.toString()) + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
            assertThat(rs.getLong(2)).isEqualTo(4);
        }
    }

    @Test
    void aMappingThatChangesAnAmountFailsReconciliation() throws SQLException {
        String template = realMapping();
        assertThat(template).contains("AS billed_cost,");
        Path part = stage(template.replace("AS billed_cost,", "+ 0.01 AS billed_cost,"));
        // the input side is still the file's own: the wrong mapping shows as a stored sum a cent a line too high
        assertThat(plain(InputSums.of(file, StagedSums.scan(duck, part, true)).get(SEPTEMBER).billed())).isEqualTo("110.5");
        ReconciliationReport report = reconcile(part);
        assertThat(report.holds()).isFalse();
        assertThat(Reconciliation.describeFailures(report))
                .contains("2024-09 billed: input 110.5")
                .contains("stored 110.53")
                .doesNotContain("effective");
    }

    @Test
    void aMappingThatMovesALineToAnotherPeriodFailsReconciliation() throws SQLException {
        String template = realMapping();
        String period = "strftime({{ts:bill/BillingPeriodStartDate}}, '%Y-%m')";
        assertThat(template).contains(period);
        Path part = stage(template.replaceFirst(java.util.regex.Pattern.quote(period), "'2024-09'"));
        assertThat(StagedSums.of(duck, List.of(part)).keySet()).containsExactly(SEPTEMBER);
        assertThat(InputSums.of(file, StagedSums.scan(duck, part, true)).keySet()).containsExactly(SEPTEMBER, OCTOBER);
        ReconciliationReport report = reconcile(part);
        assertThat(report.holds()).isFalse();
        assertThat(Reconciliation.describeFailures(report)).contains("2024-10 billed: input 0.000000000001");
    }

    @Test
    void readersOfStoredLinesSeeTheCanonicalColumnsOnly() throws SQLException {
        Path part = stage(realMapping());
        List<String> columns = new java.util.ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM "
                + io.rebill.ingestion.StoredLines.read(duck, List.of(part), "").sql())) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        assertThat(columns).containsExactlyElementsOf(java.util.Arrays.stream(CanonicalColumn.values()).map(CanonicalColumn::column).toList());
    }
}

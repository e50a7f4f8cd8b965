package io.rebill.ingestion;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad files are rejected with an error naming file, line and column; the source goes to ERROR; what was stored
 * before is exactly what is stored after.
 */
class BadInputTest {
    @TempDir
    Path dir;
    Ingestion ingestion;
    SourceState good;

    @BeforeEach
    void storeAGoodPeriod() {
        ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
        Path file = FormatWriters.curLegacyCsv(List.of(aLineItem().cost("10.5"), aLineItem().cost("0.25")),
                dir.resolve("good/cur.csv"), false);
        ingestion.ingest("payer-1", List.of(file), ProgressListener.silent());
        good = ingestion.source("payer-1");
    }

    private void assertRejectedAndIntact(Path bad, ErrorCode code, String... messageParts) {
        assertThatThrownBy(() -> ingestion.ingest("payer-1", List.of(bad), ProgressListener.silent()))
                .isInstanceOf(RebillException.class)
                .satisfies(e -> {
                    assertThat(((RebillException) e).code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(bad.toString()).contains(messageParts);
                });
        SourceState after = ingestion.source("payer-1");
        assertThat(after.status()).isEqualTo(SourceStatus.ERROR);
        assertThat(after.message()).contains(bad.getFileName().toString());
        assertThat(after.periods()).isEqualTo(good.periods());
        assertThat(plain(ingestion.source("payer-1").period(BillingPeriod.parse("2024-09")).orElseThrow().sums().billed()))
                .isEqualTo("10.75");
        assertThat(ingestion.reconcile("payer-1", Optional.empty()).holds()).isTrue();
        assertThat(ingestion.lineItemFiles("payer-1", BillingPeriod.parse("2024-09"))).allMatch(Files::exists);
    }

    @Test
    void truncatedGzip() throws IOException {
        Path full = FormatWriters.curLegacyCsv(List.of(aLineItem().cost("99")), dir.resolve("full.csv.gz"), true);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = Files.write(dir.resolve("cut.csv.gz"), Arrays.copyOf(bytes, bytes.length - 12));
        assertRejectedAndIntact(cut, ErrorCode.FILE_UNREADABLE, "gzip");
    }

    @Test
    void unknownHeader() throws IOException {
        Path f = Files.writeString(dir.resolve("invoice.csv"), "Date,Amount,Customer\n2024-09-01,12.00,acme\n");
        assertRejectedAndIntact(f, ErrorCode.UNKNOWN_FORMAT, "line 1", "Date, Amount, Customer");
    }

    @Test
    void nonNumericCost() {
        Path f = FormatWriters.curLegacyCsv(List.of(aLineItem().cost("1.0"), aLineItem().cost("1.0"),
                aLineItem().cost("twelve")), dir.resolve("bad-cost.csv"), false);
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "line 4", "column lineItem/UnblendedCost", "'twelve' is not a number");
    }

    @Test
    void badTimestamp() {
        Path f = FormatWriters.curLegacyCsv(List.of(aLineItem(), aLineItem().usage("yesterday", "2024-09-03T11:00:00Z")),
                dir.resolve("bad-time.csv"), false);
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "line 3", "column lineItem/UsageStartDate", "'yesterday'");
    }

    // ---- issue 14 item 9: bad input caught before it is stored ----

    /** A spreadsheet (a zip) saved under a .csv name: refused as not text, never a 500 or a garbled header. */
    @Test
    void aBinaryFileIsRefusedAsNotText() throws IOException {
        byte[] zip = new byte[4096];
        new java.util.Random(9).nextBytes(zip);
        System.arraycopy(new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0, 0, 0}, 0, zip, 0, 12);
        Path f = Files.write(dir.resolve("costs.csv"), zip);
        assertRejectedAndIntact(f, ErrorCode.FILE_UNREADABLE, "not a text file", "byte 3 is 0x03");
    }

    /** Which of two columns of the same name holds the cost is not ours to guess. */
    @Test
    void aRepeatedColumnNameIsRefusedNamingBothColumns() throws IOException {
        Path f = FormatWriters.curLegacyCsv(List.of(aLineItem().cost("3")), dir.resolve("twice.csv"), false);
        List<String> lines = Files.readAllLines(f);
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        int cost = header.indexOf("lineItem/UnblendedCost");
        int other = cost == header.size() - 1 ? cost - 1 : cost + 1;
        header.set(other, "lineItem/UnblendedCost");
        lines.set(0, String.join(",", header));
        Files.write(f, lines);
        int first = Math.min(cost, other) + 1;
        int second = Math.max(cost, other) + 1;
        assertRejectedAndIntact(f, ErrorCode.UNKNOWN_FORMAT, "line 1",
                "columns " + first + " and " + second + " are both named 'lineItem/UnblendedCost'");
    }

    /** A NUL byte inside a field (a file cut and pasted from a binary) names file, line and column. */
    @Test
    void aNulByteInAFieldNamesFileLineAndColumn() throws IOException {
        Path f = FormatWriters.curLegacyCsv(List.of(aLineItem(), aLineItem().cost("2"), aLineItem()),
                dir.resolve("nul.csv"), false);
        List<String> lines = Files.readAllLines(f);
        lines.set(2, lines.get(2).replace("m5.large hours", "m5.large\0hours"));
        Files.write(f, lines);
        assertThat(Files.readString(f)).contains("m5.large\0hours");
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "line 3", "column lineItem/LineItemDescription", "NUL");
    }

    /** FOCUS allows five charge categories; a sixth would be billed as nothing the rules know. */
    @Test
    void aFocusChargeCategoryOutsideTheSpecNamesTheAllowedValues() throws IOException {
        Path f = FormatWriters.focusCsv(List.of(aLineItem(), aLineItem().type("Tax"), aLineItem()), dir.resolve("focus.csv"));
        List<String> lines = Files.readAllLines(f);
        // the third line is the only one with the category tax, written as a field of its own
        assertThat(lines.get(2).split(",tax,", -1)).hasSize(2);
        lines.set(2, lines.get(2).replace(",tax,", ",Refundish,"));
        Files.write(f, lines);
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "line 3", "column ChargeCategory", "'Refundish'",
                "allowed values: Usage, Purchase, Tax, Credit, Adjustment");
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.createFile(dir.resolve("empty.csv"));
        assertRejectedAndIntact(f, ErrorCode.FILE_EMPTY, "empty");
    }

    @Test
    void missingBillingPeriod() {
        Path f = FormatWriters.curLegacyCsv(List.of(aLineItem(), aLineItem().period(null, null)),
                dir.resolve("no-period.csv"), false);
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "line 3", "bill/BillingPeriodStartDate");
    }

    /** AWS's Athena Parquet: every column text; '' is no value, any other non-number names file, row and column. */
    @Test
    void aNonNumberInAParquetTextColumnNamesTheRowAndColumn() throws Exception {
        Path f = FormatWriters.curAthenaParquet(List.of(aLineItem().type("Tax").list("0", null), aLineItem(),
                aLineItem().list("0.096", "n/a")), dir.resolve("athena.parquet"), ingestion.settings());
        assertThat(parquetTypes(f)).containsEntry("pricing_public_on_demand_rate", "VARCHAR")
                .containsEntry("line_item_unblended_cost", "VARCHAR").containsEntry("line_item_usage_start_date", "VARCHAR");
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "row 3", "column pricing_public_on_demand_rate",
                "'n/a' is not a number");
    }

    @Test
    void aBadTimestampInAParquetTextColumnNamesTheRow() {
        Path f = FormatWriters.curAthenaParquet(List.of(aLineItem(), aLineItem().usage("yesterday", "2024-09-03T11:00:00Z")),
                dir.resolve("athena-time.parquet"), ingestion.settings());
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "row 2", "column line_item_usage_start_date", "'yesterday'");
    }

    @Test
    void anEmptyBillingPeriodInAParquetTextColumnNamesTheRow() {
        Path f = FormatWriters.curAthenaParquet(List.of(aLineItem(), aLineItem(), aLineItem().period(null, null)),
                dir.resolve("athena-period.parquet"), ingestion.settings());
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "row 3", "column bill_billing_period_start_date", "empty");
    }

    @Test
    void aDoubleCostThatIsNotANumberNamesTheRow() throws Exception {
        Path f = FormatWriters.cur2ParquetAsAwsWritesIt(List.of(aLineItem(), aLineItem().cost("NaN")),
                dir.resolve("cur2-nan.parquet"), ingestion.settings());
        assertThat(parquetTypes(f)).containsEntry("line_item_unblended_cost", "DOUBLE")
                .containsEntry("pricing_public_on_demand_rate", "VARCHAR");
        assertRejectedAndIntact(f, ErrorCode.BAD_VALUE, "row 2", "column line_item_unblended_cost", "'nan' is not a number");
    }

    private Map<String, String> parquetTypes(Path file) throws Exception {
        Map<String, String> types = new java.util.HashMap<>();
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet('" + DuckDb.literal(file.toString()) + "')")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }

    @Test
    void notParquetDespiteItsMagic() throws IOException {
        Path f = Files.write(dir.resolve("broken.parquet"), "PAR1 this is not really parquet".getBytes());
        assertRejectedAndIntact(f, ErrorCode.FILE_UNREADABLE, "Parquet");
    }

    @Test
    void aMissingPathNamesIt() {
        Path nowhere = dir.resolve("nowhere.csv");
        assertThatThrownBy(() -> ingestion.ingest("payer-1", List.of(nowhere), ProgressListener.silent()))
                .isInstanceOf(RebillException.class).hasMessageContaining("nowhere.csv");
        assertThat(ingestion.source("payer-1").periods()).isEqualTo(good.periods());
    }

    @Test
    void aBadSourceNameIsRefused() {
        assertThatThrownBy(() -> ingestion.ingest("../etc", List.of(dir), ProgressListener.silent()))
                .isInstanceOf(RebillException.class).hasMessageContaining("source name '../etc'");
    }

    @Test
    void aNewFileForThePeriodReplacesItWholeAndKeepsOtherPeriods() {
        Path october = FormatWriters.curLegacyCsv(List.of(aLineItem().cost("7")
                        .period("2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z").usage("2024-10-05T00:00:00Z", "2024-10-05T01:00:00Z")),
                dir.resolve("oct/cur.csv"), false);
        ingestion.ingest("payer-1", List.of(october), ProgressListener.silent());
        Path restated = FormatWriters.curLegacyCsv(List.of(aLineItem().cost("11")), dir.resolve("restated/cur.csv"), false);
        IngestResult r = ingestion.ingest("payer-1", List.of(restated), ProgressListener.silent());
        assertThat(r.unchanged()).isFalse();
        SourceState s = ingestion.source("payer-1");
        assertThat(plain(s.period(BillingPeriod.parse("2024-09")).orElseThrow().sums().billed())).isEqualTo("11");
        assertThat(s.period(BillingPeriod.parse("2024-09")).orElseThrow().sums().lineCount()).isEqualTo(1);
        assertThat(plain(s.period(BillingPeriod.parse("2024-10")).orElseThrow().sums().billed())).isEqualTo("7");
        // the replaced generation's files are gone, the current ones hold exactly the new rows
        assertThat(Stored.rows(ingestion, "payer-1", BillingPeriod.parse("2024-09"), "1")).hasSize(1);
        assertThat(ingestion.reconcile("payer-1", Optional.empty()).holds()).isTrue();
    }

    @Test
    void reconcileFailsWhenAnInputChangedAfterIngest() throws IOException {
        Path input = Path.of(good.periods().get(0).inputs().get(0).path());
        Files.writeString(input, Files.readString(input).replace("10.5", "10.6"));
        assertThatThrownBy(() -> ingestion.reconcile("payer-1", Optional.empty()))
                .isInstanceOf(RebillException.class)
                .hasMessageContaining("changed since it was ingested")
                .extracting(e -> ((RebillException) e).code()).isEqualTo(ErrorCode.RECONCILIATION_FAILED);
    }

    /** A file far larger than DuckDB's memory limit streams through: 3 M lines (about 800 MB of CSV) under 256 MB. */
    @Test
    void aFileLargerThanMemoryStreams() throws Exception {
        Path big = dir.resolve("big.csv.gz");
        RebillSettings settings = new RebillSettings(dir.resolve("home"), "256MB", 2);
        try (Connection c = DuckDb.open(settings); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT 'p' || (i % 7) AS \"bill/PayerAccountId\", '2024-09-01T00:00:00Z' AS \"bill/BillingPeriodStartDate\","
                    + " lpad(CAST(i % 997 AS VARCHAR), 12, '0') AS \"lineItem/UsageAccountId\", 'Usage' AS \"lineItem/LineItemType\","
                    + " '2024-09-02T00:00:00Z' AS \"lineItem/UsageStartDate\", '2024-09-02T01:00:00Z' AS \"lineItem/UsageEndDate\","
                    + " 'AmazonEC2' AS \"lineItem/ProductCode\", repeat('x', 200) AS \"lineItem/LineItemDescription\","
                    + " '0.0000000' || (i % 10) AS \"lineItem/UnblendedCost\", '0.00000010' AS \"pricing/publicOnDemandCost\""
                    + " FROM range(3000000) t(i)) TO '" + DuckDb.literal(big.toString()) + "' (FORMAT csv, HEADER, COMPRESSION gzip)");
        }
        Ingestion small = new Ingestion(settings);
        IngestResult r = small.ingest("big", List.of(big), ProgressListener.silent());
        assertThat(r.rows()).isEqualTo(3_000_000);
        // sum of (i mod 10) over 0..2999999 = 300000 * 45 = 13.5 M, at 1e-8 each
        assertThat(plain(small.source("big").period(BillingPeriod.parse("2024-09")).orElseThrow().sums().billed()))
                .isEqualTo("0.135");
        assertThat(plain(small.source("big").period(BillingPeriod.parse("2024-09")).orElseThrow().sums().list()))
                .isEqualTo("0.3");
    }
}

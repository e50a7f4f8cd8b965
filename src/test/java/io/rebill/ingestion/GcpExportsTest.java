package io.rebill.ingestion;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Google Cloud's BigQuery billing export as BigQuery writes it: credits as a repeated record, labels, +00:00
 * timestamps, costs in scientific notation, the billing period from invoice.month.
 */
class GcpExportsTest {
    static final BillingPeriod SEPT = BillingPeriod.parse("2024-09");

    @TempDir
    Path dir;
    Ingestion ingestion;

    @BeforeEach
    void setUp() {
        ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
    }

    private List<Map<String, Object>> ingest(Path file) {
        IngestResult result = ingestion.ingest("gcp", List.of(file), ProgressListener.silent());
        assertThat(result.reconciliation().holds()).isTrue();
        return Stored.rows(ingestion, "gcp", SEPT, "billed_cost");
    }

    static List<LineItemFixture> linesWithCredits() {
        return List.of(
                aLineItem().account("my-project-1").cost("10").list("12.5", null).tag("env", "prod")
                        .credit("SUSTAINED_USAGE_DISCOUNT", "-2.5").credit("PROMOTION", "-1e-06"),
                aLineItem().account("my-project-2").cost("5e-06").list("5e-06", null),
                aLineItem().account("my-project-2").type("Tax").cost("0.84").list("0.84", null));
    }

    @Test
    void eachCreditIsALineOfItsOwnSoBilledIsCostPlusCredits() {
        List<Map<String, Object>> rows = ingest(ProviderWriters.gcpCsv(linesWithCredits(), dir.resolve("in/export.csv")));

        assertThat(rows).hasSize(5);
        assertThat(rows).extracting(r -> r.get("billed_cost")).containsExactly("-2.5", "-0.000001", "0.000005", "0.84", "10");
        assertThat(rows).extracting(r -> r.get("charge_category")).containsExactly("Credit", "Credit", "Usage", "Tax", "Usage");
        assertThat(rows).extracting(r -> r.get("x_charge_type"))
                .containsExactly("SUSTAINED_USAGE_DISCOUNT", "PROMOTION", "regular", "tax", "regular");
        // a credit stays with the project, service and labels of the line it reduces
        assertThat(rows.get(0).get("sub_account_id")).isEqualTo("my-project-1");
        assertThat(rows.get(0).get("service_name")).isEqualTo("Amazon Elastic Compute Cloud");
        assertThat(String.valueOf(rows.get(0).get("tags"))).isEqualTo("{env=prod}");
        assertThat(rows.get(0).get("consumed_quantity")).isNull();
        assertThat(rows.get(0).get("list_cost")).isNull();
        assertThat(rows.get(4).get("list_cost")).isEqualTo("12.5");
        assertThat(rows.get(4).get("provider_name")).isEqualTo("Google Cloud");

        StoredPeriod sept = ingestion.source("gcp").period(SEPT).orElseThrow();
        assertThat(plain(sept.sums().billed())).isEqualTo("8.340004");
        assertThat(plain(sept.sums().effective())).isEqualTo("8.340004");
        assertThat(ingestion.reconcile("gcp", Optional.empty()).holds()).isTrue();
    }

    /**
     * An export the source already holds is recognised by its fingerprint before anything is read: nothing is replaced
     * and the result says unchanged.
     */
    @Test
    void aLargeExportIngestedAgainIsRecognisedAndNothingChanges() {
        List<LineItemFixture> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            lines.add(aLineItem().account("my-project-" + (i % 7)).cost(i + ".25").list(i + ".5", null).credit("PROMOTION", "-0.25"));
        }
        Path file = ProviderWriters.gcpCsv(lines, dir.resolve("in/export.csv"));
        IngestResult first = ingestion.ingest("gcp", List.of(file), ProgressListener.silent());
        SourceState before = ingestion.source("gcp");

        IngestResult again = ingestion.ingest("gcp", List.of(file), ProgressListener.silent());

        assertThat(first.unchanged()).isFalse();
        assertThat(first.rows()).isEqualTo(40_000);
        assertThat(again.unchanged()).isTrue();
        assertThat(again.periods()).containsExactly(SEPT);
        assertThat(again.rows()).isEqualTo(40_000);
        SourceState after = ingestion.source("gcp");
        assertThat(after.periods()).isEqualTo(before.periods());
        assertThat(after.status()).isEqualTo(SourceStatus.STABLE);
        // every line's cost less its credit of 0.25: 0 + 1 + ... + 19,999
        assertThat(plain(after.period(SEPT).orElseThrow().sums().billed())).isEqualTo("199990000");
    }

    /**
     * A file no stored input has the size of cannot be one the source holds: its fingerprint is computed while DuckDB
     * reads it (Fingerprints.start), and what is kept is the file's SHA-256 all the same. A file of a stored input's
     * size is fingerprinted first: one with the same size but another cost is no "unchanged" but read and stored.
     */
    @Test
    void theFingerprintKeptIsTheFilesSha256AndAFileOfTheSameSizeButOtherCostsIsRead() throws Exception {
        List<LineItemFixture> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            lines.add(aLineItem().account("my-project-" + (i % 7)).cost(i + ".25").list(i + ".5", null).credit("PROMOTION", "-0.25"));
        }
        Path file = ProviderWriters.gcpCsv(lines, dir.resolve("in/export.csv"));
        ingestion.ingest("gcp", List.of(file), ProgressListener.silent());
        io.rebill.ingestion.InputFile kept = ingestion.source("gcp").period(SEPT).orElseThrow().inputs().get(0);
        assertThat(kept.sha256()).isEqualTo(sha256(file));
        assertThat(kept.bytes()).isEqualTo(java.nio.file.Files.size(file));

        // line 5's cost 5.25 becomes 6.25: the same bytes in number, one more in the sum
        String text = java.nio.file.Files.readString(file);
        Path restated = dir.resolve("restated/export.csv");
        java.nio.file.Files.createDirectories(restated.getParent());
        java.nio.file.Files.writeString(restated, text.replaceFirst("5\\.25", "6.25"));
        assertThat(java.nio.file.Files.size(restated)).isEqualTo(java.nio.file.Files.size(file));
        IngestResult again = ingestion.ingest("gcp", List.of(restated), ProgressListener.silent());

        assertThat(again.unchanged()).isFalse();
        StoredPeriod sept = ingestion.source("gcp").period(SEPT).orElseThrow();
        assertThat(plain(sept.sums().billed())).isEqualTo("199990001");
        assertThat(sept.inputs()).extracting(io.rebill.ingestion.InputFile::sha256).containsExactly(sha256(restated));
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(java.nio.file.Files.readAllBytes(file)));
    }

    /** The same export as JSON lines and as Parquet (credits a list of records, cost a FLOAT64): the same lines. */
    @Test
    void creditsFromJsonLinesAndParquetAreLinesOfTheirOwnToo() throws Exception {
        Path json = ProviderWriters.gcpJsonLines(linesWithCredits(), dir.resolve("json/export-000000000000.json"));
        List<Map<String, Object>> fromJson = ingest(json);
        Path parquet = dir.resolve("parquet/export-000000000000.parquet");
        java.nio.file.Files.createDirectories(parquet.getParent());
        try (var c = io.rebill.shared.duckdb.DuckDb.open(ingestion.settings()); var s = c.createStatement()) {
            s.execute("COPY (SELECT * REPLACE (CAST(cost AS DOUBLE) AS cost) FROM read_json('" + json
                    + "', format = 'newline_delimited')) TO '" + parquet + "' (FORMAT parquet)");
        }
        ingestion.ingest("gcp-parquet", List.of(parquet), ProgressListener.silent());
        List<Map<String, Object>> fromParquet = Stored.rows(ingestion, "gcp-parquet", SEPT, "billed_cost");
        for (List<Map<String, Object>> rows : List.of(fromJson, fromParquet)) {
            assertThat(rows).extracting(r -> r.get("billed_cost")).containsExactly("-2.5", "-0.000001", "0.000005", "0.84", "10");
            assertThat(rows).extracting(r -> r.get("x_charge_type"))
                    .containsExactly("SUSTAINED_USAGE_DISCOUNT", "PROMOTION", "regular", "tax", "regular");
            assertThat(rows.get(4).get("service_name")).isEqualTo("Amazon Elastic Compute Cloud");
            assertThat(rows.get(4).get("charge_period_start")).isEqualTo("2024-09-03 10:00:00.0");
            assertThat(String.valueOf(rows.get(4).get("tags"))).isEqualTo("{env=prod}");
        }
        assertThat(plain(ingestion.source("gcp-parquet").period(SEPT).orElseThrow().sums().billed())).isEqualTo("8.340004");
        assertThat(ingestion.reconcile("gcp-parquet", Optional.empty()).holds()).isTrue();
    }

    @Test
    void timestampsWithAnOffsetAreUtcAndInvoiceMonthIsThePeriod() {
        // usage on 31 Aug in UTC-8 is 1 Sep 06:00 UTC; invoiced in September whatever the usage date
        LineItemFixture late = aLineItem().usage("2024-08-31T22:00:00-08:00", "2024-08-31T23:00:00-08:00");
        Path file = ProviderWriters.gcpCsv(List.of(late, aLineItem().usage("2024-08-30T10:00:00Z", "2024-08-30T11:00:00Z")),
                dir.resolve("in/export.csv"));
        String text = readString(file).replace("2024-08-31 22:00:00+00:00", "2024-08-31 22:00:00-08:00");
        writeString(file, text);
        List<Map<String, Object>> rows = ingest(file);
        assertThat(rows).extracting(r -> r.get("charge_period_start"))
                .containsExactlyInAnyOrder("2024-09-01 06:00:00.0", "2024-08-30 10:00:00.0");
        assertThat(rows).extracting(r -> r.get("billing_period")).containsOnly("2024-09");
    }

    @Test
    void aBadInvoiceMonthIsNamedByFileLineAndColumn() {
        Path file = ProviderWriters.gcpCsv(List.of(aLineItem(), aLineItem()), dir.resolve("in/export.csv"));
        writeString(file, readString(file).replaceFirst("\n(.*),202409,", "\n$1,2024-9,"));
        assertThatThrownBy(() -> ingestion.ingest("gcp", List.of(file), ProgressListener.silent()))
                .isInstanceOf(RebillException.class)
                .satisfies(e -> {
                    assertThat(((RebillException) e).code()).isEqualTo(ErrorCode.BAD_VALUE);
                    assertThat(e.getMessage()).contains("export.csv: line 2: column invoice.month: '2024-9' is not an"
                            + " invoice month (expected YYYYMM such as 202411)");
                });
    }

    @Test
    void aBadCreditAmountIsNamedByFileAndColumn() {
        Path file = ProviderWriters.gcpCsv(List.of(aLineItem().credit("PROMOTION", "\"ten\"")), dir.resolve("in/export.csv"));
        assertThatThrownBy(() -> ingestion.ingest("gcp", List.of(file), ProgressListener.silent()))
                .isInstanceOf(RebillException.class)
                .hasMessageContaining("export.csv").hasMessageContaining("column credits.amount: 'ten' is not a number");
    }

    /** A NUL byte deep in an export (its 1,000th line, past the first 64 KiB) is named by file, line and column. */
    @Test
    void aNulByteDeepInTheFileIsNamedByFileLineAndColumn() {
        List<LineItemFixture> lines = new java.util.ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            lines.add(aLineItem().account("my-project-" + i));
        }
        Path file = ProviderWriters.gcpCsv(lines, dir.resolve("in/export.csv"));
        String text = readString(file);
        assertThat(text.indexOf(",my-project-999,")).isGreaterThan(1 << 16);
        writeString(file, text.replace(",my-project-999,", ",my-project\0-999,"));

        assertThatThrownBy(() -> ingestion.ingest("gcp", List.of(file), ProgressListener.silent()))
                .isInstanceOf(RebillException.class)
                .satisfies(e -> {
                    assertThat(((RebillException) e).code()).isEqualTo(ErrorCode.BAD_VALUE);
                    assertThat(e.getMessage()).contains("export.csv: line 1001: column project.id").contains("NUL byte");
                });
        assertThat(ingestion.source("gcp").periods()).isEmpty();
    }

    static String readString(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void writeString(Path file, String text) {
        try {
            java.nio.file.Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.rebill.ingestion;

import io.rebill.TestData;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every folder of ../shared/data ingests with exact sums. The expected sums were computed outside Rebill, with
 * Python's decimal module over the raw CSV columns (BilledCost / lineItem/UnblendedCost and ListCost /
 * pricing/publicOnDemandCost), so they check the whole path from file to stored Parquet.
 */
class SharedDataIngestionTest {
    @TempDir
    Path home;
    Ingestion ingestion;

    @BeforeEach
    void setUp() {
        ingestion = new Ingestion(RebillSettings.at(home));
    }

    private StoredPeriod ingested(String source, String path, String period) {
        IngestResult result = ingestion.ingest(source, List.of(TestData.shared(path)), ProgressListener.silent());
        assertThat(result.reconciliation().holds()).isTrue();
        assertThat(ingestion.source(source).status()).isEqualTo(SourceStatus.STABLE);
        return ingestion.source(source).period(BillingPeriod.parse(period)).orElseThrow();
    }

    @Test
    void legacyCurCsvWithTaxAndFreeTierReconciles() {
        StoredPeriod p = ingested("anon", "cur-csv-anonymized/sample-anonymous-aws-export-dataset.csv", "2023-11");
        assertThat(p.sums().lineCount()).isEqualTo(1281);
        assertThat(plain(p.sums().billed())).isEqualTo("1.6823086974");
        assertThat(plain(p.sums().list())).isEqualTo("3.3561726949");
        assertThat(Stored.rows(ingestion, "anon", BillingPeriod.parse("2023-11"), "charge_category")
                .stream().filter(r -> "Tax".equals(r.get("charge_category"))).count()).isEqualTo(12);
    }

    @Test
    void multiPeriodCurWithManifestKeepsTwentyOneDecimalPlaces() {
        ingested("koku", "cur-csv-multi-account/koku-local", "2018-06");
        SourceState s = ingestion.source("koku");
        assertThat(s.periods()).extracting(sp -> sp.period().toString()).containsExactly("2018-06", "2018-07", "2018-08");
        assertThat(s.periods()).extracting(sp -> sp.sums().lineCount()).containsExactly(3300L, 9304L, 776L);
        assertThat(s.periods()).extracting(sp -> plain(sp.sums().billed()))
                .containsExactly("34649.973272612318255145698", "100267.738649643334767685352", "8310.05175593196199516");
        assertThat(Stored.rows(ingestion, "koku", BillingPeriod.parse("2018-08"), "sub_account_id")
                .stream().map(r -> r.get("sub_account_id")).distinct().count()).isGreaterThan(1);
    }

    @Test
    void athenaSnakeCaseCurWith148Columns() {
        StoredPeriod before = ingested("lab-before", "cur-csv-148-columns/before.csv.gz", "2019-11");
        assertThat(before.sums().lineCount()).isEqualTo(7850);
        assertThat(plain(before.sums().billed())).isEqualTo("89.170632878");
        assertThat(plain(before.sums().list())).isEqualTo("89.2316424927");
        StoredPeriod after = ingested("lab-after", "cur-csv-148-columns/after.csv.gz", "2019-11");
        assertThat(after.sums().lineCount()).isEqualTo(7600);
        assertThat(plain(after.sums().billed())).isEqualTo("75.0323282789");
        assertThat(plain(after.sums().list())).isEqualTo("75.0928618482");
    }

    /**
     * The same real CUR as AWS's Athena integration writes it to Parquet: every one of its 148 columns text, '' where
     * a line has no value (six usage lines have no public on-demand rate). It stores what its CSV stores.
     */
    @Test
    void athenaCurAsAthenaParquetStoresWhatItsCsvStores() throws Exception {
        Path csv = TestData.shared("cur-csv-148-columns/before.csv.gz");
        Path parquet = home.resolve("athena/before-00001.snappy.parquet");
        Files.createDirectories(parquet.getParent());
        try (Connection c = DuckDb.open(ingestion.settings());
             Statement s = c.createStatement()) {
            s.execute("COPY (SELECT COALESCE(COLUMNS(*), '') FROM read_csv('" + csv + "', all_varchar = true,"
                    + " nullstr = '\\N')) TO '" + parquet + "' (FORMAT parquet)");
            try (ResultSet rs = s.executeQuery("SELECT list(DISTINCT column_type), count(*) FROM (DESCRIBE SELECT *"
                    + " FROM read_parquet('" + parquet + "'))")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("[VARCHAR]");
                assertThat(rs.getLong(2)).isEqualTo(148);
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + parquet + "')"
                    + " WHERE pricing_public_on_demand_rate = ''")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(6);
            }
        }
        IngestResult result = ingestion.ingest("lab-parquet", List.of(parquet), ProgressListener.silent());
        assertThat(result.reconciliation().holds()).isTrue();
        StoredPeriod p = ingestion.source("lab-parquet").period(BillingPeriod.parse("2019-11")).orElseThrow();
        assertThat(p.sums().lineCount()).isEqualTo(7850);
        assertThat(plain(p.sums().billed())).isEqualTo("89.170632878");
        assertThat(plain(p.sums().list())).isEqualTo("89.2316424927");
        assertThat(Stored.rows(ingestion, "lab-parquet", BillingPeriod.parse("2019-11"), "1").stream()
                .filter(r -> r.get("list_unit_price") == null).count()).isEqualTo(6);
    }

    @Test
    void athenaTagsAreNormalisedToPlainKeys() {
        ingested("lab", "cur-csv-148-columns/before.csv.gz", "2019-11");
        List<String> keys = Stored.rows(ingestion, "lab", BillingPeriod.parse("2019-11"), "1").stream()
                .map(r -> String.valueOf(r.get("tags"))).filter(t -> !"null".equals(t)).toList();
        assertThat(keys).isNotEmpty();
        assertThat(String.join(" ", keys)).doesNotContain("user_").doesNotContain("resource_tags");
    }

    @Test
    void curEdgeCasesWithOddColumnsIngest() {
        StoredPeriod alt = ingested("alt", "cur-csv-multi-account/aws_2022-07-01-alt-columns.csv", "2022-07");
        assertThat(alt.sums().lineCount()).isEqualTo(2);
        StoredPeriod nok = ingested("nok", "cur-csv-multi-account/aws_2023-06-01.csv", "2023-06");
        assertThat(nok.sums().lineCount()).isEqualTo(3);
        assertThat(Stored.rows(ingestion, "nok", BillingPeriod.parse("2023-06"), "x_charge_type"))
                .extracting(r -> r.get("billing_currency")).containsOnly("NOK");
    }

    @Test
    void focusSampleWithMixedNullsAndCasing() {
        StoredPeriod sep = ingested("focus", "focus-1.0-sample/focus_sample.csv", "2024-09");
        assertThat(sep.sums().lineCount()).isEqualTo(999);
        assertThat(plain(sep.sums().billed())).isEqualTo("20.28022672899");
        assertThat(plain(sep.sums().effective())).isEqualTo("14.97651418586");
        assertThat(plain(sep.sums().list())).isEqualTo("20.15090575119");
        StoredPeriod oct = ingestion.source("focus").period(BillingPeriod.parse("2024-10")).orElseThrow();
        assertThat(plain(oct.sums().billed())).isEqualTo("0.24");
        List<java.util.Map<String, Object>> rows = Stored.rows(ingestion, "focus", BillingPeriod.parse("2024-09"), "1");
        assertThat(rows).extracting(r -> r.get("availability_zone")).doesNotContain("NULL", "");
        assertThat(rows).extracting(r -> r.get("provider_name")).contains("AWS", "Microsoft");
        assertThat(rows).extracting(r -> r.get("charge_category")).allMatch(c -> c == null || c.equals("Usage")
                || c.equals("Purchase") || c.equals("Credit") || c.equals("Adjustment") || c.equals("Tax"));
    }

    @Test
    void raggedCurIsRejectedNamingTheLineAndEarlierDataStays() {
        ingested("koku", "cur-csv-multi-account/koku-local", "2018-06");
        SourceState before = ingestion.source("koku");
        assertThatThrownBy(() -> ingestion.ingest("koku", List.of(TestData.shared("cur-csv-multi-account/test_cur.csv")),
                ProgressListener.silent()))
                .isInstanceOf(RebillException.class)
                .hasMessageContaining("test_cur.csv: line 2:")
                .hasMessageContaining("Expected Number of Columns: 131 Found: 130");
        SourceState after = ingestion.source("koku");
        assertThat(after.status()).isEqualTo(SourceStatus.ERROR);
        assertThat(after.message()).contains("test_cur.csv: line 2");
        assertThat(after.periods()).isEqualTo(before.periods());
        assertThat(ingestion.reconcile("koku", Optional.empty()).holds()).isTrue();
    }

    @Test
    void focusSpecExamplesIngestExceptTheImpossibleTimestamp() {
        Path examples = TestData.shared("focus-1.2-spec-examples");
        List<String> clean = List.of(
                "commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
                "commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv",
                "commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv",
                "saas_examples/simple_agreements/simple_saas_agreements_c.csv",
                "saas_examples/spend_agreements/saas_spend_agreements_a2.csv",
                "saas_examples/virtual_currency_pricing_model_a1.csv");
        IngestResult ok = ingestion.ingest("spec", clean.stream().map(examples::resolve).toList(), ProgressListener.silent());
        assertThat(ok.reconciliation().holds()).isTrue();
        // 5/1/25 is 1 May 2025 and "$10,100.00 " is 10100.00: April 2025 = 10100 + 48 + 12 + 200000 (Python decimal)
        assertThat(ingestion.source("spec").periods()).extracting(p -> p.period().toString())
                .contains("2023-01", "2025-04", "2026-03");
        StoredPeriod april = ingestion.source("spec").period(BillingPeriod.parse("2025-04")).orElseThrow();
        assertThat(plain(april.sums().billed())).isEqualTo("210160");

        assertThatThrownBy(() -> ingestion.ingest("spec2", List.of(examples.resolve(
                "commitment_discount_scenarios/commitment_discount_purchase_scenario_2.csv")), ProgressListener.silent()))
                .isInstanceOf(RebillException.class)
                .hasMessageContaining("commitment_discount_purchase_scenario_2.csv: line 4: column ChargePeriodEnd:"
                        + " '2023-02-01T30:00:00Z' is not a timestamp")
                .extracting(e -> ((RebillException) e).code()).isEqualTo(ErrorCode.BAD_VALUE);
    }
}

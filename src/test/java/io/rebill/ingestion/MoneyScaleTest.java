package io.rebill.ingestion;

import io.rebill.costs.CostDimension;
import io.rebill.costs.CostQuery;
import io.rebill.costs.CostRequest;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Costs are stored at the fewest places every value of a file fits: DECIMAL(18,10) (at most 10 places, below 10^8),
 * else DECIMAL(38,12), else DECIMAL(38,24) (the bill then multiplies them without rounding); no digit is ever lost,
 * and a period stored at several scales reads exactly.
 */
class MoneyScaleTest {
    static final BillingPeriod P = BillingPeriod.parse("2024-09");

    @TempDir
    Path dir;
    Ingestion ingestion;

    @BeforeEach
    void setUp() {
        ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
    }

    private Path csv(String name, LineItemFixture... lines) {
        return FormatWriters.curLegacyCsv(List.of(lines), dir.resolve(name), false);
    }

    private List<Integer> storedScales(String source) throws Exception {
        return storedTypes(source).stream().map(t -> Integer.parseInt(t.replaceAll(".*,|\\)", ""))).toList();
    }

    /** The stored cost columns' types as DuckDB reads them, e.g. DECIMAL(18,10). */
    private List<String> storedTypes(String source) throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT column_type FROM (DESCRIBE SELECT billed_cost, effective_cost, list_cost,"
                     + " contracted_cost FROM read_parquet(" + DuckDb.fileList(ingestion.lineItemFiles(source, P)) + "))")) {
            while (rs.next()) {
                types.add(rs.getString(1));
            }
        }
        return types;
    }

    private String billed(String source) {
        return plain(ingestion.source(source).period(P).orElseThrow().sums().billed());
    }

    @Test
    void costsWithAtMostTenPlacesBelowOneHundredMillionAreStoredCompact() throws Exception {
        ingestion.ingest("payer-1", List.of(csv("a.csv", aLineItem().cost("10.5"), aLineItem().cost("-0.0000000123"),
                // trailing zeros are no places: still 10
                aLineItem().cost("2.250000000000000000"), aLineItem().cost("99999999.9999999999"))), ProgressListener.silent());

        assertThat(storedTypes("payer-1")).containsOnly("DECIMAL(18,10)");
        assertThat(billed("payer-1")).isEqualTo("100000012.7499999876");
        assertThat(ingestion.reconcile("payer-1", java.util.Optional.empty()).holds()).isTrue();
    }

    @Test
    void aCostOfOneHundredMillionOrMoreIsStoredAtTwelveExactly() throws Exception {
        // 10 places, but 10^8 does not fit DECIMAL(18,10): the file is read again at DECIMAL(38,12)
        ingestion.ingest("payer-1", List.of(csv("a.csv", aLineItem().cost("0.0000000001"), aLineItem().cost("-100000000"),
                aLineItem().cost("123456789012.5"))), ProgressListener.silent());
        // CUR 2.0 Parquet typed DECIMAL(38,10), as the generator writes it, and DOUBLE, as AWS does: the same
        ingestion.ingest("payer-2", List.of(cur2Parquet("decimal.parquet", "DECIMAL(38,10)", "250000000.25", "1.5")),
                ProgressListener.silent());
        ingestion.ingest("payer-3", List.of(cur2Parquet("double.parquet", "DOUBLE", "250000000.25", "1.5")),
                ProgressListener.silent());

        assertThat(storedTypes("payer-1")).containsOnly("DECIMAL(38,12)");
        assertThat(billed("payer-1")).isEqualTo("123356789012.5000000001");
        assertThat(ingestion.reconcile("payer-1", java.util.Optional.empty()).holds()).isTrue();
        assertThat(storedTypes("payer-2")).containsOnly("DECIMAL(38,12)");
        assertThat(billed("payer-2")).isEqualTo("250000001.75");
        assertThat(storedTypes("payer-3")).containsOnly("DECIMAL(38,12)");
        assertThat(billed("payer-3")).isEqualTo("250000001.75");
    }

    @Test
    void costsWithElevenOrTwelvePlacesAreStoredAtTwelve() throws Exception {
        ingestion.ingest("payer-1", List.of(csv("a.csv", aLineItem().cost("10.5"), aLineItem().cost("0.000000000123"),
                // trailing zeros are no places: still 12
                aLineItem().cost("2.250000000000000000"))), ProgressListener.silent());

        assertThat(storedScales("payer-1")).containsOnly(12);
        assertThat(billed("payer-1")).isEqualTo("12.750000000123");
        assertThat(ingestion.reconcile("payer-1", java.util.Optional.empty()).holds()).isTrue();
    }

    @Test
    void costsOfAMillionOrMoreAtTwelvePlacesKeepEveryDigit() throws Exception {
        // a text cost is parsed into 64 bits first (18 digits: below a million at 12 places) and into 128 bits when it
        // does not fit there: 19 digits, exactly 18 (negative), and one of 8 digits in scientific notation
        ingestion.ingest("payer-1", List.of(csv("a.csv", aLineItem().cost("1234567.000000000001"),
                aLineItem().cost("-999999.999999999999"), aLineItem().cost("2.5E+7"))), ProgressListener.silent());

        assertThat(storedScales("payer-1")).containsOnly(12);
        assertThat(billed("payer-1")).isEqualTo("25234567.000000000002");
        assertThat(Stored.rows(ingestion, "payer-1", P, "billed_cost").stream().map(r -> r.get("billed_cost")))
                .containsExactlyInAnyOrder("1234567.000000000001", "-999999.999999999999", "25000000");
        assertThat(ingestion.reconcile("payer-1", java.util.Optional.empty()).holds()).isTrue();
    }

    @Test
    void aCostWithMorePlacesKeepsEveryDigitAtTwentyFour() throws Exception {
        ingestion.ingest("payer-1", List.of(csv("a.csv", aLineItem().cost("1.5"), aLineItem().cost("0.1234567890123456"))),
                ProgressListener.silent());
        // scientific notation: 1.5E-13 has 14 places
        ingestion.ingest("payer-2", List.of(csv("b.csv", aLineItem().cost("1.5E-13"))), ProgressListener.silent());

        assertThat(storedScales("payer-1")).containsOnly(24);
        assertThat(billed("payer-1")).isEqualTo("1.6234567890123456");
        assertThat(storedScales("payer-2")).containsOnly(24);
        assertThat(billed("payer-2")).isEqualTo("0.00000000000015");
        assertThat(Stored.rows(ingestion, "payer-1", P, "billed_cost").stream().map(r -> r.get("billed_cost")))
                .containsExactly("0.1234567890123456", "1.5");
    }

    @Test
    void scientificNotationIsStoredAtThePlacesItStandsFor() throws Exception {
        // 7.0E-10 has 10 places, 2.5e-3 four; 1.5E+2 is 150
        ingestion.ingest("payer-1", List.of(csv("a.csv", aLineItem().cost("7.0E-10"), aLineItem().cost("2.5e-3"),
                aLineItem().cost("1.5E+2"))), ProgressListener.silent());
        // 7.5E-11 has 12
        ingestion.ingest("payer-2", List.of(csv("b.csv", aLineItem().cost("7.5E-11"), aLineItem().cost("1"))),
                ProgressListener.silent());
        assertThat(storedScales("payer-1")).containsOnly(10);
        assertThat(billed("payer-1")).isEqualTo("150.0025000007");
        assertThat(storedScales("payer-2")).containsOnly(12);
        assertThat(billed("payer-2")).isEqualTo("1.000000000075");
    }

    /** A CUR 2.0 Parquet file as AWS writes it: costs typed DOUBLE. */
    private Path doubleCostsParquet(String name, String... costs) throws Exception {
        return cur2Parquet(name, "DOUBLE", costs);
    }

    /** A CUR 2.0 Parquet file with its costs of {@code type}. */
    private Path cur2Parquet(String name, String type, String... costs) throws Exception {
        Path file = dir.resolve(name);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < costs.length; i++) {
            rows.add("('l" + i + "', '111111111111', TIMESTAMP '2024-09-01', '222222222222', 'Usage', CAST(" + costs[i]
                    + " AS " + type + "), CAST(" + costs[i] + " AS " + type + "))");
        }
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM (VALUES " + String.join(", ", rows) + ") t(identity_line_item_id,"
                    + " bill_payer_account_id, bill_billing_period_start_date, line_item_usage_account_id,"
                    + " line_item_line_item_type, line_item_unblended_cost, pricing_public_on_demand_cost)) TO '"
                    + DuckDb.literal(file.toString()) + "' (FORMAT parquet)");
        }
        return file;
    }

    @Test
    void doubleCostsAreStoredAsTheDecimalsTheyStandFor() throws Exception {
        // a cast would store 0.1 as 0.100000000000000008388608; the shortest decimal of the double is the provider's
        ingestion.ingest("payer-1", List.of(doubleCostsParquet("cur2.parquet", "0.1", "1.5e-05", "123.4567890123")),
                ProgressListener.silent());
        assertThat(storedScales("payer-1")).containsOnly(10);
        assertThat(Stored.rows(ingestion, "payer-1", P, "billed_cost").stream().map(r -> r.get("billed_cost")))
                .containsExactly("0.000015", "0.1", "123.4567890123");
        assertThat(billed("payer-1")).isEqualTo("123.5568040123");
        assertThat(plain(ingestion.source("payer-1").period(P).orElseThrow().sums().list())).isEqualTo("123.5568040123");
        assertThat(ingestion.reconcile("payer-1", java.util.Optional.empty()).holds()).isTrue();

        // a double whose shortest decimal has 18 places keeps them all, at 24
        ingestion.ingest("payer-2", List.of(doubleCostsParquet("fine.parquet", "1.2345678901234e-05")), ProgressListener.silent());
        assertThat(storedScales("payer-2")).containsOnly(24);
        assertThat(billed("payer-2")).isEqualTo("0.000012345678901234");
    }

    @Test
    void aParquetCostTypeWithMorePlacesIsStoredAtTwentyFour() throws Exception {
        // the test's CUR 2.0 Parquet types its costs DECIMAL(38,18): any value may have 18 places
        Path parquet = FormatWriters.cur2Parquet(List.of(aLineItem().cost("0.123456789012345678")), dir.resolve("cur2.parquet"),
                ingestion.settings());
        ingestion.ingest("payer-1", List.of(parquet), ProgressListener.silent());

        assertThat(storedScales("payer-1")).containsOnly(24);
        assertThat(billed("payer-1")).isEqualTo("0.123456789012345678");
    }

    @Test
    void aPeriodStoredAtEveryScaleIsReadExactly() throws Exception {
        ingestion.ingest("compact", List.of(csv("c.csv", aLineItem().account("333333333333").cost("99999999.5"))),
                ProgressListener.silent());
        ingestion.ingest("narrow", List.of(csv("a.csv", aLineItem().account("111111111111").cost("1.000000000001"))),
                ProgressListener.silent());
        ingestion.ingest("wide", List.of(csv("b.csv", aLineItem().account("222222222222").cost("0.0000000000001"))),
                ProgressListener.silent());
        assertThat(storedTypes("compact")).containsOnly("DECIMAL(18,10)");
        assertThat(storedScales("narrow")).containsOnly(12);
        assertThat(storedScales("wide")).containsOnly(24);

        // DuckDB alone would read the files at the first one's type: round the others, or fail on 99999999.5
        var report = new CostQuery(ingestion).run(new CostRequest(List.of("compact", "narrow", "wide"), P,
                List.of(CostDimension.parse("sub_account_id")), CostBasis.BILLED));
        assertThat(report.rows()).extracting(r -> r.keys().get(0) + "=" + plain(r.cost()))
                .containsExactlyInAnyOrder("333333333333=99999999.5", "111111111111=1.000000000001",
                        "222222222222=0.0000000000001");
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement()) {
            List<Path> all = new ArrayList<>(ingestion.lineItemFiles("compact", P));
            all.addAll(ingestion.lineItemFiles("narrow", P));
            all.addAll(ingestion.lineItemFiles("wide", P));
            StoredLines.Relation lines = StoredLines.read(c, all, "");
            assertThat(lines.moneyScale()).isEqualTo(24);
            try (ResultSet rs = s.executeQuery("SELECT sum(billed_cost) FROM " + lines.sql())) {
                rs.next();
                assertThat(plain(rs.getBigDecimal(1))).isEqualTo("100000000.5000000000011");
            }
        }
    }
}

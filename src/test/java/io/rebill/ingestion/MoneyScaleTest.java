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
 * Costs are stored at 12 places when every value of a file has at most 12 (the bill then multiplies them without
 * rounding), else at 24; no digit is ever lost either way, and a period stored at both scales reads exactly.
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
        List<Integer> scales = new ArrayList<>();
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT scale FROM parquet_schema(" + DuckDb.fileList(ingestion.lineItemFiles(source, P))
                     + ") WHERE name IN ('billed_cost', 'effective_cost', 'list_cost', 'contracted_cost') ORDER BY ALL")) {
            while (rs.next()) {
                scales.add(rs.getInt(1));
            }
        }
        return scales;
    }

    private String billed(String source) {
        return plain(ingestion.source(source).period(P).orElseThrow().sums().billed());
    }

    @Test
    void costsWithAtMostTwelvePlacesAreStoredAtTwelve() throws Exception {
        ingestion.ingest("payer-1", List.of(csv("a.csv", aLineItem().cost("10.5"), aLineItem().cost("0.000000000123"),
                // trailing zeros are no places: still 12
                aLineItem().cost("2.250000000000000000"))), ProgressListener.silent());

        assertThat(storedScales("payer-1")).containsOnly(12);
        assertThat(billed("payer-1")).isEqualTo("12.750000000123");
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
    void scientificNotationWithAtMostTwelvePlacesIsStoredAtTwelve() throws Exception {
        // 7.0E-10 has 10 places, 2.5e-3 four; 1.5E+2 is 150
        ingestion.ingest("payer-1", List.of(csv("a.csv", aLineItem().cost("7.0E-10"), aLineItem().cost("2.5e-3"),
                aLineItem().cost("1.5E+2"))), ProgressListener.silent());
        assertThat(storedScales("payer-1")).containsOnly(12);
        assertThat(billed("payer-1")).isEqualTo("150.0025000007");
    }

    /** A CUR 2.0 Parquet file as AWS writes it: costs typed DOUBLE. */
    private Path doubleCostsParquet(String name, String... costs) throws Exception {
        Path file = dir.resolve(name);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < costs.length; i++) {
            rows.add("('l" + i + "', '111111111111', TIMESTAMP '2024-09-01', '222222222222', 'Usage', CAST(" + costs[i]
                    + " AS DOUBLE), CAST(" + costs[i] + " AS DOUBLE))");
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
        assertThat(storedScales("payer-1")).containsOnly(12);
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
    void aPeriodStoredAtBothScalesIsReadExactly() throws Exception {
        ingestion.ingest("narrow", List.of(csv("a.csv", aLineItem().account("111111111111").cost("1.000000000001"))),
                ProgressListener.silent());
        ingestion.ingest("wide", List.of(csv("b.csv", aLineItem().account("222222222222").cost("0.0000000000001"))),
                ProgressListener.silent());
        assertThat(storedScales("narrow")).containsOnly(12);
        assertThat(storedScales("wide")).containsOnly(24);

        // DuckDB alone would read both files at the first one's scale and round the second to 0
        var report = new CostQuery(ingestion).run(new CostRequest(List.of("narrow", "wide"), P,
                List.of(CostDimension.parse("sub_account_id")), CostBasis.BILLED));
        assertThat(report.rows()).extracting(r -> r.keys().get(0) + "=" + plain(r.cost()))
                .containsExactly("111111111111=1.000000000001", "222222222222=0.0000000000001");
        try (Connection c = DuckDb.open(ingestion.settings()); Statement s = c.createStatement()) {
            List<Path> both = new ArrayList<>(ingestion.lineItemFiles("narrow", P));
            both.addAll(ingestion.lineItemFiles("wide", P));
            StoredLines.Relation lines = StoredLines.read(c, both, "");
            assertThat(lines.moneyScale()).isEqualTo(24);
            try (ResultSet rs = s.executeQuery("SELECT sum(billed_cost) FROM " + lines.sql())) {
                rs.next();
                assertThat(plain(rs.getBigDecimal(1))).isEqualTo("1.0000000000011");
            }
        }
    }
}

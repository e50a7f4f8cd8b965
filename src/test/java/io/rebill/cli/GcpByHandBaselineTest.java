package io.rebill.cli;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.StoredLines;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Google Cloud ingest's hand-written baseline is the same work: bench/gcp-canonical-by-hand.sql stores exactly the
 * lines Rebill's ingest stores from the benchmark's export, every canonical column of every line, credits included.
 */
class GcpByHandBaselineTest {
    @TempDir
    Path dir;

    @Test
    void theHandWrittenMappingStoresEveryLineRebillStores() throws Exception {
        RebillSettings settings = new RebillSettings(dir.resolve("home"), "512MB", 2);
        Path export = ProviderBenchData.generate("gcp", 20_000, dir.resolve("data"), settings,
                new PrintWriter(new StringWriter()));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("gcp", List.of(export), p -> { });
        List<Path> stored = ingestion.lineItemFiles("gcp", BillingPeriod.parse("2026-10"));
        Path byHand = dir.resolve("by-hand.parquet");

        String columns = Arrays.stream(CanonicalColumn.values()).map(CanonicalColumn::column)
                .collect(Collectors.joining(", "));
        try (Connection duck = DuckDb.open(settings); Statement s = duck.createStatement()) {
            GcpByHandBaseline.run(duck, export, byHand, Path.of(GcpByHandBaseline.FILE));
            String ours = "SELECT " + columns + " FROM " + StoredLines.read(duck, stored, "").sql();
            String hand = "SELECT " + columns + " FROM read_parquet('" + DuckDb.literal(byHand.toString()) + "')";
            try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM (" + ours + ")), (SELECT count(*) FROM (" + hand
                    + ")), (SELECT count(*) FROM (" + ours + ") WHERE charge_category = 'Credit'),"
                    + " (SELECT count(*) FROM (" + ours + ") WHERE tags IS NOT NULL),"
                    + " (SELECT count(*) FROM (" + ours + " EXCEPT ALL " + hand + ")),"
                    + " (SELECT count(*) FROM (" + hand + " EXCEPT ALL " + ours + "))")) {
                rs.next();
                // one line in five has a credit and one in ten a second one: 20,000 + 4,000 + 2,000 lines
                assertThat(rs.getLong(1)).isEqualTo(26_000);
                assertThat(rs.getLong(2)).isEqualTo(26_000);
                assertThat(rs.getLong(3)).isEqualTo(6_000);
                assertThat(rs.getLong(4)).as("lines with labels").isPositive();
                assertThat(rs.getLong(5)).as("lines Rebill stores that the hand-written mapping does not").isZero();
                assertThat(rs.getLong(6)).as("lines the hand-written mapping stores that Rebill does not").isZero();
            }
        }
    }
}

package io.rebill.ingestion;

import io.rebill.demo.BillingDataGenerator;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GeneratorSpec;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.EnumSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generator writes the same line items as CUR CSV.gz, CUR 2.0 Parquet, FOCUS CSV.gz and FOCUS Parquet; Rebill's
 * readers must turn each into exactly the same canonical rows, every column, every row.
 */
class GeneratedFormatsAgreeTest {
    @TempDir
    Path dir;

    @Test
    void everyFormatGivesTheSameCanonicalRows() throws Exception {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        YearMonth month = YearMonth.of(2024, 9);
        GeneratedFiles files = new BillingDataGenerator().generate(new GeneratorSpec(11, 6000, 9, 3, List.of(month),
                GeneratorSpec.DEFAULT_PAYER_ACCOUNT_ID), dir.resolve("gen"), EnumSet.allOf(Format.class), settings);
        Ingestion ingestion = new Ingestion(settings);
        BillingPeriod period = new BillingPeriod(month);
        for (Format f : Format.values()) {
            IngestResult r = ingestion.ingest(f.cliName(), files.of(f).stream().map(g -> g.path()).toList(), ProgressListener.silent());
            assertThat(r.rows()).as(f.name()).isEqualTo(6000);
            assertThat(r.reconciliation().holds()).as(f.name()).isTrue();
        }
        try (Connection c = DuckDb.open(settings); Statement s = c.createStatement()) {
            String reference = scan(c, ingestion, Format.CUR_CSV_GZ, period);
            for (Format f : Format.values()) {
                String other = scan(c, ingestion, f, period);
                for (String[] pair : new String[][]{{reference, other}, {other, reference}}) {
                    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM (SELECT * FROM " + pair[0]
                            + " EXCEPT ALL SELECT * FROM " + pair[1] + ")")) {
                        rs.next();
                        assertThat(rs.getLong(1)).as("rows of one format missing from the other: " + f).isZero();
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT x_charge_type), count(*) FILTER (WHERE tags IS NOT NULL),"
                    + " count(DISTINCT x_commitment_owner_account_id) FROM " + reference)) {
                rs.next();
                assertThat(rs.getLong(1)).as("line item types").isGreaterThanOrEqualTo(12);
                assertThat(rs.getLong(2)).as("tagged lines").isPositive();
                assertThat(rs.getLong(3)).as("commitment owners").isGreaterThan(1);
            }
        }
    }

    /** The stored lines as every reader sees them (text inputs also store ingest's check columns, never read). */
    private static String scan(Connection c, Ingestion ingestion, Format f, BillingPeriod period) throws java.sql.SQLException {
        return StoredLines.read(c, ingestion.lineItemFiles(f.cliName(), period), "").sql();
    }
}

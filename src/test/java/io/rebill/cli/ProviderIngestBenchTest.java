package io.rebill.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `rebill bench --what ingest-gcp` at a tiny size, for real: each step in a JVM of its own (plain DuckDB's read, the
 * hand-written mapping of bench/gcp-canonical-by-hand.sql, Rebill's ingest, DuckDB writing Rebill's stored lines
 * again), and the tables it prints with their ratios. A step that cannot start or fails (as the bench's child JVMs
 * once could not load DuckDB) fails it.
 */
class ProviderIngestBenchTest {
    @TempDir
    Path dir;

    @Test
    void googleCloudsIngestIsMeasuredAgainstThePlainReadAndTheSameWorkByHand() throws Exception {
        CliRunner.Run run = new CliRunner(dir.resolve("home")).rebill("bench", "--what", "ingest-gcp", "--rows", "5000",
                "--work", dir.resolve("work").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("| gcp-5000.csv (");
        assertThat(ratio(run.out(), "\\| gcp-5000\\.csv \\(\\d+ MiB\\) \\| 5,000 \\| [0-9.]+ \\| [0-9.]+ \\| ([0-9.]+)x \\|"))
                .isPositive();
        assertThat(run.out()).contains("| the same work by hand | rows | bench/gcp-canonical-by-hand.sql s | Rebill s | ratio |");
        assertThat(ratio(run.out(), "\\| gcp-5000\\.csv \\| 5,000 \\| [0-9.]+ \\| [0-9.]+ \\| ([0-9.]+)x \\|")).isPositive();
        assertThat(dir.resolve("work").resolve("run-by-hand").resolve("lines.parquet")).isNotEmptyFile();

        // the writer alone: Rebill's stored lines written again, every one of them
        assertThat(run.out()).contains("| the stored lines alone | plain DuckDB s | DuckDB writing Rebill's stored lines again s | of the plain read |");
        assertThat(ratio(run.out(), "\\| gcp-5000\\.csv \\| [0-9.]+ \\| [0-9.]+ \\| ([0-9.]+)x \\|")).isPositive();
        assertThat(lines("SELECT count(*) FROM read_parquet('" + dir.resolve("work/run-write-stored/lines.parquet") + "')"))
                .isEqualTo(lines("SELECT count(*) FROM read_parquet('" + dir.resolve("work/run-ingest-gcp") + "/sources/bench/periods/*/*/part-*.parquet')"))
                .as("5,000 export lines, a fifth with one credit and a tenth with two").isEqualTo(6_500L);
    }

    private static long lines(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double ratio(String out, String row) {
        Matcher m = Pattern.compile(row).matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }
}

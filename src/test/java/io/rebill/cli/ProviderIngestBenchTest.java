package io.rebill.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `rebill bench --what ingest-gcp` at a tiny size, for real: each step in a JVM of its own (plain DuckDB's read, the
 * hand-written mapping of bench/gcp-canonical-by-hand.sql, Rebill's ingest), and the table it prints with the
 * ratios of both. A step that cannot start or fails (as the bench's child JVMs once could not load DuckDB) fails it.
 */
class ProviderIngestBenchTest {
    @TempDir
    Path dir;

    @Test
    void googleCloudsIngestIsMeasuredAgainstThePlainReadAndTheSameWorkByHand() {
        CliRunner.Run run = new CliRunner(dir.resolve("home")).rebill("bench", "--what", "ingest-gcp", "--rows", "5000",
                "--work", dir.resolve("work").toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("| gcp-5000.csv (");
        assertThat(ratio(run.out(), "\\| gcp-5000\\.csv \\(\\d+ MiB\\) \\| 5,000 \\| [0-9.]+ \\| [0-9.]+ \\| ([0-9.]+)x \\|"))
                .isPositive();
        assertThat(run.out()).contains("| the same work by hand | rows | bench/gcp-canonical-by-hand.sql s | Rebill s | ratio |");
        assertThat(ratio(run.out(), "\\| gcp-5000\\.csv \\| 5,000 \\| [0-9.]+ \\| [0-9.]+ \\| ([0-9.]+)x \\|")).isPositive();
        assertThat(dir.resolve("work").resolve("run-by-hand").resolve("lines.parquet")).isNotEmptyFile();
    }

    private static double ratio(String out, String row) {
        Matcher m = Pattern.compile(row).matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return Double.parseDouble(m.group(1));
    }
}

package io.rebill.cli;

import io.rebill.ingestion.IngestProgress;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** What a user watching a long ingest reads on stderr. */
class IngestProgressLineTest {
    static final long MIB = 1024 * 1024;

    @Test
    void aFileBeingReadShowsItsPercentAndBytesButNoRowCountYet() {
        String line = IngestCommand.line(new IngestProgress("read", "cur.csv.gz", 1, 2, 647 * MIB, 1040 * MIB, 0,
                647 * MIB, Duration.ofMillis(36_800)));
        assertThat(line).isEqualTo("[read 1/2] cur.csv.gz  62%  647.0 MiB read  17.6 MiB/s  36.8 s");
    }

    @Test
    void rowsAppearOnceAFileIsWrittenAndTheRateIsPerSecondOfTheWholeRun() {
        String line = IngestCommand.line(new IngestProgress("reconcile", "cur.csv.gz", 2, 2, 0, 1040 * MIB, 10_000_000,
                1040 * MIB, Duration.ofSeconds(50)));
        assertThat(line).isEqualTo("[reconcile 2/2] cur.csv.gz  1.0 GiB read  20.8 MiB/s  10,000,000 rows  200,000 rows/s  50.0 s");
    }
}

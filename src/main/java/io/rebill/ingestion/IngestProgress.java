package io.rebill.ingestion;

import java.time.Duration;

/**
 * Where a long ingest is: the file being read (index of count), bytes of it read so far, rows written so far over
 * the whole run, and the time since the run started.
 */
public record IngestProgress(String phase, String file, int fileIndex, int fileCount, long fileBytesRead,
                             long fileBytes, long rows, long bytesTotalRead, Duration elapsed) {
    public double bytesPerSecond() {
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        return bytesTotalRead / seconds;
    }

    public double rowsPerSecond() {
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        return rows / seconds;
    }
}

package io.rebill.ingestion.internal;

import io.rebill.ingestion.IngestProgress;
import io.rebill.ingestion.ProgressListener;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.QueryProgress;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Reports progress once a second while DuckDB reads a file, using DuckDB's own estimate of how far it is. */
final class ProgressTracker {
    interface SqlAction {
        void run() throws SQLException;
    }

    private final ProgressListener listener;
    private final int fileCount;
    private final Instant started;
    private String phase = "read";
    private String file = "";
    private int fileIndex;
    private long fileBytes;
    private long bytesBefore;
    private long rowsBefore;

    ProgressTracker(ProgressListener listener, int fileCount, Instant started) {
        this.listener = listener;
        this.fileCount = fileCount;
        this.started = started;
    }

    void startFile(SniffedFile f, int index) {
        phase = "read";
        file = f.path().getFileName().toString();
        fileIndex = index + 1;
        fileBytes = f.size();
        emit(0, 0);
    }

    void during(Statement statement, SqlAction action) throws SQLException {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ingest-progress");
            t.setDaemon(true);
            return t;
        });
        ScheduledFuture<?> tick = timer.scheduleAtFixedRate(() -> poll(statement), 1, 1, TimeUnit.SECONDS);
        try {
            action.run();
        } finally {
            tick.cancel(false);
            timer.shutdownNow();
        }
    }

    private void poll(Statement statement) {
        try {
            QueryProgress q = statement.unwrap(DuckDBPreparedStatement.class).getQueryProgress();
            double fraction = Math.max(0, Math.min(1, q.getPercentage() / 100.0));
            // DuckDB's percentage follows the bytes it has read; its row counter counts buffers, not lines, so
            // rows are reported per finished file
            emit((long) (fraction * fileBytes), 0);
        } catch (SQLException | RuntimeException e) {
            // progress is best effort; the ingest itself reports real errors
        }
    }

    /** The file is read and written: shown at 100 % with its rows, before the next file starts at 0 %. */
    void endFile(SniffedFile f, long rows) {
        rowsBefore += rows;
        emit(fileBytes, 0);
        bytesBefore += f.size();
    }

    void phase(String name) {
        phase = name;
        emit(0, 0);
    }

    void finish() {
        phase = "done";
        emit(0, 0);
    }

    private void emit(long fileBytesRead, long rowsInFile) {
        listener.onProgress(new IngestProgress(phase, file, fileIndex, fileCount, fileBytesRead, fileBytes,
                rowsBefore + rowsInFile, bytesBefore + fileBytesRead, Duration.between(started, Instant.now())));
    }
}

package io.rebill.rules;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bills' own databases: each run's a file under the temp folder, its tables (a row per line item) on disk with
 * DuckDB's compression and buffer manager, so a month larger than the memory limit bills instead of failing; the file
 * goes when the connection closes. One may be opened ahead, on a thread of its own, for the next run to take
 * ({@link Billing#openingScratchAhead}).
 */
final class RunDatabases {
    private final RebillSettings settings;
    /** The database {@link #openAhead} is opening, until a run takes it. */
    private final AtomicReference<CompletableFuture<Connection>> ahead = new AtomicReference<>();

    RunDatabases(RebillSettings settings) {
        this.settings = settings;
    }

    /** The database opened ahead, once it is open; else a new one. */
    Connection take() {
        CompletableFuture<Connection> opening = ahead.getAndSet(null);
        if (opening == null) {
            return open(settings);
        }
        try {
            return opening.join();
        } catch (CompletionException e) {
            // the same error the run gets when it opens its database itself (RebillException, naming the temp folder)
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Starts opening the next run's database, unless one is being opened already. */
    void openAhead() {
        CompletableFuture<Connection> opening = new CompletableFuture<>();
        if (ahead.compareAndSet(null, opening)) {
            io.rebill.shared.WarmUp.daemon("billing-scratch-ahead", () -> {
                try {
                    opening.complete(open(settings));
                } catch (Throwable t) {
                    opening.completeExceptionally(t);
                }
            });
        }
    }

    /**
     * A new run database. It keeps the Parquet files' footers once read: a run reads its files' layout, currencies and
     * constant keys before it sums their lines, each a footer read again (a 10 M-line file's footer is about 80 row
     * groups of 60 columns' statistics) without the cache. The files are a stored generation, which never changes
     * while the run reads it.
     */
    private static Connection open(RebillSettings settings) {
        Connection duck = DuckDb.openScratch(settings, "billing");
        try (Statement s = duck.createStatement()) {
            s.execute("SET parquet_metadata_cache = true");
        } catch (SQLException e) {
            try {
                duck.close();
            } catch (SQLException ignored) {
                // the error below is the one to report
            }
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + e.getMessage(), e);
        }
        return duck;
    }
}

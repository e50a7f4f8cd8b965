package io.rebill.demo.internal;

import io.rebill.demo.GeneratedFile;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.duckdb.DuckDBConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs COPY statements concurrently, each on its own connection to the generator's database (so they see its
 * tables and macros and share its memory limit). One COPY keeps row order and is close to single-threaded in DuckDB,
 * so concurrency comes from writing several files at once. Closing waits for statements still running.
 */
final class Writers implements AutoCloseable {
    private final ExecutorService executor;
    private final List<Connection> connections = new ArrayList<>();
    private final BlockingQueue<Connection> idle;

    Writers(DuckDBConnection database, int count) throws SQLException {
        int n = Math.max(1, count);
        AtomicInteger names = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(n, task -> {
            Thread t = new Thread(task, "rebill-demo-writer-" + names.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.idle = new ArrayBlockingQueue<>(n);
        try {
            for (int i = 0; i < n; i++) {
                Connection c = database.duplicate();
                connections.add(c);
                idle.add(c);
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    Future<GeneratedFile> submit(String copySql, GeneratedFile file) {
        return executor.submit(() -> {
            Connection c = idle.take();
            try (Statement s = c.createStatement()) {
                s.execute(copySql);
                return file;
            } finally {
                idle.put(c);
            }
        });
    }

    GeneratedFile await(Future<GeneratedFile> file) throws SQLException {
        try {
            return file.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RebillException(ErrorCode.STORAGE_FAILED, "demo data generation was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() throws SQLException {
        executor.shutdownNow();
        try {
            // a COPY cannot be interrupted from Java; let the ones already running finish before closing
            boolean finished = false;
            while (!finished) {
                finished = executor.awaitTermination(1, TimeUnit.MINUTES);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SQLException first = null;
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

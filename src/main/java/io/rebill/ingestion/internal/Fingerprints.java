package io.rebill.ingestion.internal;

import io.rebill.ingestion.InputFile;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/** Content fingerprints, so that ingesting the same files again is recognised whatever their names. */
final class Fingerprints {
    private Fingerprints() {
    }

    static InputFile of(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("fingerprint of " + path + " no longer needed");
                }
                sha.update(buffer, 0, n);
                total += n;
            }
            return new InputFile(path.toString(), HexFormat.of().formatHex(sha.digest()), total);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, path + ": cannot read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * The fingerprints of an ingest's files. They are computed first, before anything is read, only when these files
     * may be the very files that produced stored periods (each has the size of a stored input): that is when an
     * ingest can end at once as unchanged. Otherwise they are computed on a thread of their own while DuckDB reads
     * the files, since nothing needs them before the commit (a 3.6 GB export takes 2.7 s to hash on one core).
     */
    static Pending start(List<Path> files, List<StoredPeriod> stored) {
        Set<Long> storedSizes = new HashSet<>();
        stored.forEach(p -> p.inputs().forEach(f -> storedSizes.add(f.bytes())));
        FutureTask<List<InputFile>> task = new FutureTask<>(() -> files.stream().map(Fingerprints::of).toList());
        boolean first = !files.isEmpty() && files.stream().allMatch(f -> storedSizes.contains(size(f)));
        if (first) {
            task.run();
        } else {
            Thread t = new Thread(task, "ingest-fingerprints");
            t.setDaemon(true);
            t.start();
        }
        return new Pending(task);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, file + ": cannot read: " + e.getMessage());
        }
    }

    /** Fingerprints being computed; closing stops them when the ingest ends without needing them. */
    static final class Pending implements AutoCloseable {
        private final FutureTask<List<InputFile>> task;

        private Pending(FutureTask<List<InputFile>> task) {
            this.task = task;
        }

        /** Whether they were computed before the read, so that an unchanged ingest can be told at once. */
        boolean ready() {
            return task.isDone();
        }

        /** The fingerprints, waiting for them if need be; a file that cannot be read fails as it would have first. */
        List<InputFile> get() {
            try {
                return task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RebillException(ErrorCode.STORAGE_FAILED, "interrupted while fingerprinting the input files");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        @Override
        public void close() {
            task.cancel(true);
        }
    }
}

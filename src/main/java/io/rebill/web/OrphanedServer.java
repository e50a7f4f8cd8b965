package io.rebill.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The PostgreSQL a killed Rebill server leaves behind. {@code pg_ctl start} detaches the postmaster from the JVM, so
 * a kill -9 of the JVM (or an OOM kill) leaves it running, still holding the folder; the next start would wait for
 * a server that can never start. Called with the folder's lock held, so no live Rebill server owns that PostgreSQL.
 */
final class OrphanedServer {
    private static final Logger log = LoggerFactory.getLogger(OrphanedServer.class);

    private OrphanedServer() {
    }

    static void stopIfRunning(PostgresBinaries binaries, Path directory, Duration timeout) throws IOException {
        Optional<Long> pid = EmbeddedCluster.postmasterPid(directory);
        if (pid.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            // A stale file after a crash of the whole machine or process tree: PostgreSQL replaces it and replays its WAL.
            return;
        }
        if (!servesFolder(process.get(), directory)) {
            // The pid now belongs to another program; PostgreSQL would take it for a live postmaster and refuse.
            log.warn("Removing {}/postmaster.pid: its process {} is not a PostgreSQL of this folder", directory, pid.get());
            Files.delete(directory.resolve("postmaster.pid"));
            return;
        }
        log.warn("Stopping the PostgreSQL (pid {}) that a Rebill server which ended abruptly left running in {}",
                pid.get(), directory);
        EmbeddedCluster.ProcessResult stopped = EmbeddedCluster.run(binaries.command("pg_ctl", "stop", "-D",
                directory.toString(), "-m", "fast", "-w", "-t", String.valueOf(timeout.toSeconds())), null,
                timeout.plusSeconds(10));
        if (stopped.exitCode() == 0) {
            return; // pg_ctl waited until the server had shut down and removed postmaster.pid
        }
        log.warn("pg_ctl stop said: {}; sending SIGTERM to {}", stopped.output().strip(), pid.get());
        process.get().destroy();
        if (!awaitExit(process.get(), timeout)) {
            throw new IOException("the PostgreSQL (pid " + pid.get() + ") left running in " + directory
                    + " by an earlier server did not stop within " + timeout.toSeconds() + " s");
        }
    }

    /**
     * Whether the process is a postmaster of this folder: PostgreSQL changes its working directory to its data
     * folder, which Linux shows as {@code /proc/<pid>/cwd}. Elsewhere, whether it is a program named postgres.
     */
    static boolean servesFolder(ProcessHandle process, Path directory) {
        Path cwd = Path.of("/proc", String.valueOf(process.pid()), "cwd");
        if (Files.isDirectory(Path.of("/proc/self"))) {
            try {
                return Files.isSameFile(cwd.toRealPath(), directory.toRealPath());
            } catch (IOException e) {
                return false;
            }
        }
        return process.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres")).orElse(false);
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) throws IOException {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            throw new IOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping PostgreSQL", e);
        }
    }
}

package io.rebill.shared.duckdb;

import io.rebill.shared.io.Trees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs' spill folders ({@code tmp/duckdb-UUID}, issue 14 item 4). Each holds a lock file that its job keeps
 * locked while it runs; a job killed before its connection closed leaves its folder (and a bill's scratch database in
 * it) behind, unlocked. The first job a process opens under a temp folder removes those: a folder whose lock file is
 * free and older than {@link #GRACE}, or, for folders from before the lock files, one that is empty and as old.
 * The grace period covers a job between creating its folder and locking it.
 */
final class SpillFolders {
    private static final Logger log = LoggerFactory.getLogger(SpillFolders.class);
    static final String PREFIX = "duckdb-";
    static final String LOCK = "owner.lock";
    static final Duration GRACE = Duration.ofSeconds(10);
    /** Folders whose lock this process holds: never opened by the sweep, since closing any channel on a file drops the process's lock on it. */
    private static final Set<Path> OWN = ConcurrentHashMap.newKeySet();
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();

    private SpillFolders() {
    }

    /** A job's own spill folder and its held lock; the lock goes when the channel closes. */
    record Owned(Path folder, FileChannel channel) {
        void release() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing the channel releases the lock; nothing was written through it
            } finally {
                OWN.remove(folder);
            }
        }
    }

    static Owned create(Path tempDir) throws IOException {
        if (SWEPT.add(tempDir.toAbsolutePath().normalize())) {
            sweep(tempDir);
        }
        Path folder = tempDir.resolve(PREFIX + UUID.randomUUID());
        Files.createDirectories(folder);
        OWN.add(folder);
        FileChannel channel = FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        channel.lock();
        return new Owned(folder, channel);
    }

    /** Removes the folders of jobs that ended without closing: see the class comment. */
    static void sweep(Path tempDir) {
        if (!Files.isDirectory(tempDir)) {
            return;
        }
        Instant before = Instant.now().minus(GRACE);
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(tempDir, PREFIX + "*")) {
            for (Path folder : folders) {
                if (!OWN.contains(folder) && Files.isDirectory(folder) && stale(folder, before)) {
                    log.info("removing the spill folder {} of a job that did not end", folder);
                    Trees.delete(folder);
                }
            }
        } catch (IOException | RuntimeException e) {
            // a folder another process removes at the same time, or one this user cannot read: the next start tries again
            log.warn("could not clean up the spill folders under {}: {}", tempDir, e.getMessage());
        }
    }

    private static boolean stale(Path folder, Instant before) throws IOException {
        Path lockFile = folder.resolve(LOCK);
        if (!Files.exists(lockFile)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                return !entries.iterator().hasNext() && Files.getLastModifiedTime(folder).toInstant().isBefore(before);
            }
        }
        if (!Files.getLastModifiedTime(lockFile).toInstant().isBefore(before)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false;
        }
    }
}

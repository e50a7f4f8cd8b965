package io.rebill.rules.internal;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A bill's output folder written beside its target and moved into place whole (issue 14 item 4): the files go to
 * {@code .OUT.staging-UUID} next to {@code OUT}; {@link #commit} renames the previous {@code OUT} to
 * {@code .OUT.replaced-UUID}, the staging folder to {@code OUT}, and deletes the replaced one. Both renames are
 * atomic within the parent folder, so a kill leaves the previous output whole, or (between the two renames) no
 * {@code OUT} and the previous one under its {@code .replaced} name, which the next run moves back before anything
 * else. A lock file beside the target ({@code .OUT.lock}) keeps two runs from writing one folder at once; whoever
 * holds it also removes the staging folders that killed runs left.
 */
public final class StagedOutput implements AutoCloseable {
    /** What a bill writes at the top of its folder; a folder holding anything else is not replaced. */
    static final Set<String> BILL_ENTRIES = Set.of("summary.csv", "invoices", "line_items", "unassigned.csv",
            "reconciliation.csv");

    private final Path target;
    private final Path staging;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean committed;

    private StagedOutput(Path target, Path staging, Path lockFile, FileChannel channel, FileLock lock) {
        this.target = target;
        this.staging = staging;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the target's lock, puts back or removes what killed runs left, and creates an empty staging folder. */
    public static StagedOutput begin(Path out) {
        Path target = out.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "--out " + out + " is the file system's root; name a folder for the bill");
        }
        FileChannel channel = null;
        try {
            Files.createDirectories(parent);
            checkReplaceable(target);
            Path lockFile = parent.resolve("." + target.getFileName() + ".lock");
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new RebillException(ErrorCode.IN_USE, "another rebill bill is writing " + target
                        + " (it holds " + lockFile + "); wait for it to end or choose another --out folder");
            }
            recover(target);
            Path staging = parent.resolve("." + target.getFileName() + ".staging-" + UUID.randomUUID());
            Files.createDirectory(staging);
            return new StagedOutput(target, staging, lockFile, channel, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof RebillException re) {
                throw re;
            }
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot prepare the bill's folder " + target + ": " + e.getMessage(), e);
        }
    }

    /** Where the bill's files are written until {@link #commit}. */
    public Path folder() {
        return staging;
    }

    /** Moves the staged folder into place, replacing the previous output whole. */
    public void commit() {
        try {
            checkReplaceable(target);
            Path replaced = null;
            if (Files.exists(target)) {
                replaced = target.resolveSibling("." + target.getFileName() + ".replaced-" + UUID.randomUUID());
                Files.move(target, replaced, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
            if (replaced != null) {
                Trees.delete(replaced);
            }
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot move the bill into " + target + ": " + e.getMessage(), e);
        }
    }

    /** Removes the staging folder unless committed, and releases the lock. */
    @Override
    public void close() {
        try {
            if (!committed) {
                Trees.delete(staging);
            }
        } finally {
            try {
                Files.deleteIfExists(lockFile);
                lock.release();
            } catch (IOException e) {
                // the lock goes with the channel anyway; a lock file left behind is harmless
            } finally {
                closeQuietly(channel);
            }
        }
    }

    /** The target is new, or a folder holding only a bill's files: never a file, never a folder of other things. */
    private static void checkReplaceable(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "--out " + target + " is a file; name a folder for the bill");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target)) {
            for (Path entry : entries) {
                if (!BILL_ENTRIES.contains(entry.getFileName().toString())) {
                    throw new RebillException(ErrorCode.BAD_ARGUMENT, "--out " + target + " holds " + entry.getFileName()
                            + ", which is not a file of a bill; the bill replaces its folder whole, so name an empty"
                            + " or new folder, or one an earlier bill wrote");
                }
            }
        }
    }

    /**
     * What killed runs left beside the target: a previous output renamed away but not yet replaced goes back when the
     * target is missing (the newest one); every other staging or replaced folder is removed.
     */
    private static void recover(Path target) throws IOException {
        String name = target.getFileName().toString();
        List<Path> staged = new ArrayList<>();
        List<Path> replaced = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(target.getParent(), "." + name + ".*")) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (file.startsWith("." + name + ".staging-")) {
                    staged.add(entry);
                } else if (file.startsWith("." + name + ".replaced-")) {
                    replaced.add(entry);
                }
            }
        }
        if (!Files.exists(target) && !replaced.isEmpty()) {
            replaced.sort(Comparator.comparing(StagedOutput::modified).reversed());
            Files.move(replaced.removeFirst(), target, StandardCopyOption.ATOMIC_MOVE);
        }
        staged.forEach(Trees::delete);
        replaced.forEach(Trees::delete);
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing is written through it
            }
        }
    }
}

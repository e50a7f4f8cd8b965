package io.rebill.ingestion.internal;

import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.SourceStatus;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;
import io.rebill.shared.time.BillingPeriod;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The on-disk layout of a source:
 * <pre>
 * sources/&lt;name&gt;/state.json                       status, message and the current generation of each period
 * sources/&lt;name&gt;/periods/&lt;YYYY-MM&gt;/&lt;generation&gt;/   Parquet files of that period
 * sources/&lt;name&gt;/staging-&lt;id&gt;/                     files of an ingest that has not committed yet
 * </pre>
 * A period is replaced by writing a new generation and then atomically replacing state.json: readers that follow
 * state.json see either the old period or the new one, never a mix, and a crash leaves only unreferenced folders,
 * which the next ingest removes.
 */
public final class SourceStore {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final RebillSettings settings;

    public SourceStore(RebillSettings settings) {
        this.settings = settings;
    }

    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "source name '" + name
                    + "' must be 1-63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    Path dir(String name) {
        return settings.sourcesDir().resolve(checkName(name));
    }

    Path periodDir(String name, BillingPeriod period, String generation) {
        return dir(name).resolve("periods").resolve(period.toString()).resolve(generation);
    }

    public List<SourceState> all() {
        Path root = settings.sourcesDir();
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<SourceState> states = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path d : dirs) {
                find(d.getFileName().toString()).ifPresent(states::add);
            }
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot list " + root + ": " + e.getMessage(), e);
        }
        states.sort(Comparator.comparing(SourceState::name));
        return states;
    }

    public java.util.Optional<SourceState> find(String name) {
        Path state = dir(name).resolve("state.json");
        java.nio.file.attribute.BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(state, java.nio.file.attribute.BasicFileAttributes.class);
        } catch (java.nio.file.NoSuchFileException e) {
            return java.util.Optional.empty();
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot read " + state + ": " + e.getMessage(), e);
        }
        StateFile file = StateFile.of(attributes);
        Read cached = READS.get(state);
        if (cached != null && cached.file().equals(file)) {
            return java.util.Optional.of(cached.state());
        }
        try {
            SourceState read = JSON.readValue(state.toFile(), SourceState.class);
            READS.put(state, new Read(file, read));
            return java.util.Optional.of(read);
        } catch (RuntimeException e) {
            if (!Files.exists(state)) {
                return java.util.Optional.empty(); // deleted between the two looks
            }
            throw new RebillException(ErrorCode.STORAGE_FAILED, state + " is unreadable: " + e.getMessage()
                    + " (restore it from a backup or re-ingest the source into a new folder)", e);
        }
    }

    /**
     * The parsed state.json files of this process, each with the file it was read from. Every page of the portal
     * reads the sources' states (periods, generations); parsing them each time was a cost of every view (issue 14
     * item 11). A commit replaces state.json by renaming a new file over it, so a new state is a new file (inode),
     * and its modification time and size are compared as well; a commit of this process also drops its entry. A
     * state written by another process (a CLI ingest beside the server) is therefore read again at the next look.
     */
    private static final java.util.concurrent.ConcurrentHashMap<Path, Read> READS = new java.util.concurrent.ConcurrentHashMap<>();

    private record StateFile(Object key, java.nio.file.attribute.FileTime modified, long size) {
        static StateFile of(java.nio.file.attribute.BasicFileAttributes a) {
            return new StateFile(a.fileKey(), a.lastModifiedTime(), a.size());
        }
    }

    private record Read(StateFile file, SourceState state) {
    }

    public SourceState get(String name) {
        return find(name).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_SOURCE,
                "no source named '" + name + "' under " + settings.sourcesDir()
                        + "; create it by ingesting: rebill ingest --source " + name + " PATH..."));
    }

    SourceState getOrNew(String name) {
        return find(name).orElseGet(() -> SourceState.created(name));
    }

    /** Records where the source reads its files from; creates the source when new. */
    public SourceState configure(String name, String folder) {
        SourceState state = getOrNew(name).readingFrom(folder);
        commit(state);
        return state;
    }

    /** Atomically replaces state.json, then removes period generations the new state no longer references. */
    void commit(SourceState state) {
        Path dir = dir(state.name());
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("state.json.tmp");
            JSON.writeValue(tmp.toFile(), state);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve("state.json"), StandardCopyOption.REPLACE_EXISTING);
            } finally {
                READS.remove(dir.resolve("state.json"));
            }
        } catch (IOException | RuntimeException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED,
                    "cannot write the state of source " + state.name() + " under " + dir + ": " + e.getMessage(), e);
        }
        removeUnreferenced(state);
    }

    private void removeUnreferenced(SourceState state) {
        Set<Path> keep = new HashSet<>();
        for (StoredPeriod p : state.periods()) {
            keep.add(periodDir(state.name(), p.period(), p.generation()));
        }
        Path periods = dir(state.name()).resolve("periods");
        if (Files.isDirectory(periods)) {
            try (Stream<Path> generations = Files.walk(periods, 2)) {
                generations.filter(p -> p.getNameCount() == periods.getNameCount() + 2)
                        .filter(p -> !keep.contains(p))
                        .toList()
                        .forEach(Trees::delete);
            } catch (IOException e) {
                throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot clean " + periods + ": " + e.getMessage(), e);
            }
        }
        try (DirectoryStream<Path> staging = Files.newDirectoryStream(dir(state.name()), "staging-*")) {
            staging.forEach(Trees::delete);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot clean staging folders: " + e.getMessage(), e);
        }
    }

    /** Parquet files of the current generation of a period. */
    public List<Path> files(String name, BillingPeriod period) {
        StoredPeriod stored = get(name).period(period).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_PERIOD,
                "source '" + name + "' has no billing period " + period));
        Path dir = periodDir(name, period, stored.generation());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "period " + period + " of source " + name
                    + " is missing its files under " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the source and all its stored periods (an integration or a customer account was deleted). The
     * folder is first renamed out of the way, so a reader sees the whole source or none of it.
     */
    public void delete(String name) {
        Path dir = dir(name);
        if (!Files.isDirectory(dir)) {
            return;
        }
        Path doomed = dir.resolveSibling("." + dir.getFileName() + ".deleted-" + System.nanoTime());
        try (Lock ignored = lock(name)) {
            Files.move(dir, doomed, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            READS.remove(dir.resolve("state.json"));
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot delete source " + name + ": " + e.getMessage(), e);
        }
        io.rebill.shared.io.Trees.delete(doomed);
    }

    /** Holds the source's lock for one ingest; a second ingest of the same source waits for its turn to fail fast. */
    Lock lock(String name) {
        Path dir = dir(name);
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "source '" + name
                        + "' is being ingested by another run; wait for it to finish and try again");
            }
            return new Lock(channel, lock);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot lock " + dir + ": " + e.getMessage(), e);
        }
    }

    record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the channel
            }
        }
    }
}

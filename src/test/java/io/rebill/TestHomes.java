package io.rebill;

import io.rebill.shared.io.Trees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Data folders for the tests whose server (and its PostgreSQL) lives until the test JVM ends, after any JUnit clean-up
 * could remove them. They go under target/test-homes/, which `mvn clean` removes; and the first folder a test JVM
 * asks for removes those that earlier runs left there more than two hours before (a whole run takes well under one).
 * Before, they went to /tmp and target/api-tests and stayed: every `./rebill test` left about 2.4 GB behind. Now the
 * last run's folders stay to look at after a failure, and no more.
 */
public final class TestHomes {
    static final Path ROOT = Path.of("target", "test-homes");
    static final Duration KEPT = Duration.ofHours(2);
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private TestHomes() {
    }

    /** A new empty folder named {@code prefix} and a random suffix. */
    public static Path create(String prefix) {
        try {
            Files.createDirectories(ROOT);
            if (SWEPT.compareAndSet(false, true)) {
                sweep(ROOT, Instant.now().minus(KEPT));
            }
            return Files.createTempDirectory(ROOT, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the folders under {@code root} last changed before {@code before}. */
    static void sweep(Path root, Instant before) throws IOException {
        List<Path> old;
        try (Stream<Path> entries = Files.list(root)) {
            old = entries.filter(p -> {
                try {
                    return Files.getLastModifiedTime(p).toInstant().isBefore(before);
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
        old.forEach(Trees::delete);
    }
}

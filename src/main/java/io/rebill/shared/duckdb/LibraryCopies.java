package io.rebill.shared.duckdb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The copies of DuckDB's native library that its driver leaves in the temp folder. Unless the launcher has taken the
 * library out of the driver's jar (./rebill, .ci/DuckDbNative.java), the driver copies it (72 MB) to
 * {@code libduckdb_java<random>.so} in the temp folder at every start and deletes it when the JVM exits normally; a
 * process killed or crashed leaves its copy behind, and a test run or a server restarted after a crash leaves many
 * (7.5 GB of them were found on a development machine). The first DuckDB use of a process removes the copies older
 * than {@link #AGE}: a process loads its copy within a second of writing it, and on Linux and macOS a loaded library
 * stays mapped after its file is removed, so only leftovers go (where a loaded library's file cannot be removed, its
 * delete fails and the copy stays).
 */
final class LibraryCopies {
    private static final Logger log = LoggerFactory.getLogger(LibraryCopies.class);
    static final Duration AGE = Duration.ofMinutes(10);
    private static final String GLOB = "libduckdb_java*.so";

    private LibraryCopies() {
    }

    /** Removes the copies in {@code folder} last modified before {@code now - AGE}; returns how many went. */
    static int sweep(Path folder, Instant now) {
        int removed = 0;
        long bytes = 0;
        try (DirectoryStream<Path> copies = Files.newDirectoryStream(folder, GLOB)) {
            for (Path copy : copies) {
                try {
                    if (Files.isRegularFile(copy, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(copy).toInstant().isBefore(now.minus(AGE))) {
                        long size = Files.size(copy);
                        Files.delete(copy);
                        removed++;
                        bytes += size;
                    }
                } catch (IOException e) {
                    // another user's copy, or one removed meanwhile: not ours to worry about
                }
            }
        } catch (IOException e) {
            return removed;
        }
        if (removed > 0) {
            log.info("removed {} copies of DuckDB's library ({} MB) that processes killed before they could left in {}",
                    removed, bytes >> 20, folder);
        }
        return removed;
    }
}

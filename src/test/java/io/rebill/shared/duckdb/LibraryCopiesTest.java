package io.rebill.shared.duckdb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The DuckDB library copies killed processes left in the temp folder go; a copy being loaded and other files stay. */
class LibraryCopiesTest {
    @TempDir
    Path tmp;

    @Test
    void copiesOlderThanTenMinutesGoAndEverythingElseStays() throws Exception {
        Instant now = Instant.parse("2026-12-07T16:00:00Z");
        Path left1 = copy("libduckdb_java1234567890.so", now.minus(Duration.ofHours(5)));
        Path left2 = copy("libduckdb_java987.so", now.minus(Duration.ofMinutes(11)));
        Path loading = copy("libduckdb_java555.so", now.minus(Duration.ofMinutes(1)));
        Path other = copy("libsomething_else.so", now.minus(Duration.ofHours(5)));
        Path notALibrary = copy("libduckdb_java1.so.txt", now.minus(Duration.ofHours(5)));
        Path folder = Files.createDirectory(tmp.resolve("libduckdb_java_folder.so"));
        Files.setLastModifiedTime(folder, FileTime.from(now.minus(Duration.ofHours(5))));

        assertThat(LibraryCopies.sweep(tmp, now)).isEqualTo(2);

        assertThat(left1).doesNotExist();
        assertThat(left2).doesNotExist();
        try (Stream<Path> rest = Files.list(tmp)) {
            assertThat(rest.toList()).containsExactlyInAnyOrder(loading, other, notALibrary, folder);
        }
        assertThat(LibraryCopies.sweep(tmp, now)).isZero();
        assertThat(LibraryCopies.sweep(tmp.resolve("missing"), now)).isZero();
    }

    private Path copy(String name, Instant modified) throws Exception {
        Path p = Files.write(tmp.resolve(name), new byte[]{0x7f, 'E', 'L', 'F'});
        Files.setLastModifiedTime(p, FileTime.from(modified));
        return p;
    }
}

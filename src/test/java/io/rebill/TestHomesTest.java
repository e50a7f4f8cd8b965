package io.rebill;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The test homes an earlier run left go; the ones of the run going on (or just ended) stay. */
class TestHomesTest {
    @Test
    void foldersOlderThanTheLimitAreRemovedWithEverythingInThem(@TempDir Path root) throws Exception {
        Path old = Files.createDirectories(root.resolve("api-1").resolve("sources"));
        Files.writeString(old.resolve("part-00000.parquet"), "lines");
        Files.setLastModifiedTime(root.resolve("api-1"), FileTime.from(Instant.now().minus(TestHomes.KEPT).minusSeconds(60)));
        Path recent = Files.createDirectories(root.resolve("api-2"));

        TestHomes.sweep(root, Instant.now().minus(TestHomes.KEPT));

        assertThat(root.resolve("api-1")).doesNotExist();
        assertThat(recent).isDirectory();
    }

    @Test
    void aNewHomeIsAnEmptyFolderUnderTarget() {
        Path home = TestHomes.create("check-");
        assertThat(home).isEmptyDirectory().startsWith(TestHomes.ROOT);
        assertThat(home.getFileName().toString()).startsWith("check-");
    }
}

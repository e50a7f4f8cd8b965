package io.rebill.shared.io;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deletes folder trees: staging folders, old generations, spill space, benchmark scratch. */
public final class Trees {
    private Trees() {
    }

    public static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot delete " + root + ": " + e.getMessage(), e);
        }
    }
}

package io.rebill;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** The real public billing files in ../shared/data (read-only; see its README). */
public final class TestData {
    private TestData() {
    }

    public static Path shared(String relative) {
        Path root = Path.of(System.getProperty("rebill.shared.data", "../shared/data"));
        Path p = root.resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), () -> "skipped: " + p + " is absent (the shared data folder sits"
                + " beside the checkout; see ../shared/data/README.md)");
        return p;
    }
}

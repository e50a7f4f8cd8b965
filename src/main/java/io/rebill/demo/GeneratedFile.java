package io.rebill.demo;

import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Objects;

/** One written file: its format, billing period, path and number of line items. */
public record GeneratedFile(Format format, YearMonth period, Path path, long rows) {
    public GeneratedFile {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(path, "path");
    }
}

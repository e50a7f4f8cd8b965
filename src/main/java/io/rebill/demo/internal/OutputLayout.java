package io.rebill.demo.internal;

import io.rebill.demo.Format;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.regex.Pattern;

/**
 * Where each file goes: {@code <out>/<format>/<YYYY-MM>/<name>-NNNNN.<ext>}, numbered from 1 like AWS's own CUR
 * parts. Before a period is written, the demo files of an earlier run in that folder are removed so that a
 * smaller run does not leave stale parts behind; other files are left alone.
 */
final class OutputLayout {
    private final Path root;

    OutputLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path folder(Format format, YearMonth period) {
        return root.resolve(format.cliName()).resolve(period.toString());
    }

    Path file(Format format, YearMonth period, int part) {
        return folder(format, period).resolve(String.format("%s-%05d.%s", prefix(format), part, extension(format)));
    }

    void prepare(Format format, YearMonth period) throws IOException {
        Path folder = folder(format, period);
        Files.createDirectories(folder);
        Pattern ours = Pattern.compile(Pattern.quote(prefix(format)) + "-\\d{5}\\." + Pattern.quote(extension(format)));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                if (ours.matcher(f.getFileName().toString()).matches()) {
                    Files.delete(f);
                }
            }
        }
    }

    static String copyTemplate(Format format) {
        return switch (format) {
            case CUR_CSV_GZ -> "copy-cur-csv.sql";
            case CUR_PARQUET -> "copy-cur-parquet.sql";
            case FOCUS_CSV_GZ -> "copy-focus-csv.sql";
            case FOCUS_PARQUET -> "copy-focus-parquet.sql";
        };
    }

    private static String prefix(Format format) {
        return switch (format) {
            case CUR_CSV_GZ, CUR_PARQUET -> "rebill-demo";
            case FOCUS_CSV_GZ, FOCUS_PARQUET -> "focus";
        };
    }

    private static String extension(Format format) {
        return switch (format) {
            case CUR_CSV_GZ, FOCUS_CSV_GZ -> "csv.gz";
            case CUR_PARQUET, FOCUS_PARQUET -> "parquet";
        };
    }
}

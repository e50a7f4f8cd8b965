package io.rebill.demo;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file formats the demo generator writes; each holds the same line items (docs/generator.md). */
public enum Format {
    /** AWS CUR with legacy {@code lineItem/...} headers, gzip CSV. */
    CUR_CSV_GZ("cur-csv"),
    /** AWS CUR 2.0 ({@code line_item_...} names, MAP columns {@code product} and {@code resource_tags}), Parquet. */
    CUR_PARQUET("cur-parquet"),
    /** FOCUS 1.2, gzip CSV. */
    FOCUS_CSV_GZ("focus"),
    /** FOCUS 1.2, Parquet. */
    FOCUS_PARQUET("focus-parquet");

    private final String cliName;

    Format(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and as the output folder, e.g. {@code cur-csv}. */
    public String cliName() {
        return cliName;
    }

    /** Parses a command-line name such as {@code cur-parquet} (case-insensitive). */
    public static Format fromCliName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (Format format : values()) {
            if (format.cliName.equals(wanted)) {
                return format;
            }
        }
        throw new RebillException(ErrorCode.BAD_ARGUMENT, "unknown format '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Format::cliName).collect(Collectors.joining(", ")));
    }
}

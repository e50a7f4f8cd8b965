package io.rebill.ingestion;

import io.rebill.shared.config.RebillSettings;

import java.nio.file.Path;
import java.util.List;

/** Public door to the fixture writers for tests of other features. */
public final class TestFiles {
    private TestFiles() {
    }

    public static Path curCsv(List<LineItemFixture> lines, Path file) {
        return FormatWriters.curLegacyCsv(lines, file, false);
    }

    /** CUR for Athena as AWS's Athena integration writes it to Parquet: every column text, '' for no value. */
    public static Path curAthenaParquet(List<LineItemFixture> lines, Path file, RebillSettings settings) {
        return FormatWriters.curAthenaParquet(lines, file, settings);
    }

    /** FOCUS 1.2 CSV with AWS's x_ columns, derived from the same fixtures (docs/canonical-line-item.md). */
    public static Path focusCsv(List<LineItemFixture> lines, Path file) {
        return FormatWriters.focusCsv(lines, file);
    }
}

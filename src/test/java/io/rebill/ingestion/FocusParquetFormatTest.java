package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

class FocusParquetFormatTest extends SourceFormatContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return FormatWriters.focusParquet(lines, folder.resolve("focus.parquet"), settings);
    }

    @Override
    String costColumn() {
        return "BilledCost";
    }

    @Override
    String thirdLine() {
        return null;
    }
}

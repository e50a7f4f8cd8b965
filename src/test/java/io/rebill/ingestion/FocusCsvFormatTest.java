package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

class FocusCsvFormatTest extends SourceFormatContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return FormatWriters.focusCsv(lines, folder.resolve("focus.csv"));
    }

    @Override
    String costColumn() {
        return "BilledCost";
    }
}

package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

class CurLegacyCsvFormatTest extends SourceFormatContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return FormatWriters.curLegacyCsv(lines, folder.resolve("cur-00001.csv"), false);
    }

    @Override
    String costColumn() {
        return "lineItem/UnblendedCost";
    }
}

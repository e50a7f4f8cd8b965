package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

class CurLegacyCsvGzFormatTest extends SourceFormatContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        // AWS names parts .csv.gz; the container is told from the bytes, so the name may say anything
        return FormatWriters.curLegacyCsv(lines, folder.resolve("cur-00001.csv.gz"), true);
    }

    @Override
    String costColumn() {
        return "lineItem/UnblendedCost";
    }
}

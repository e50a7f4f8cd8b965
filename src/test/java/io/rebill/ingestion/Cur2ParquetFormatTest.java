package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

class Cur2ParquetFormatTest extends SourceFormatContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return FormatWriters.cur2Parquet(lines, folder.resolve("cur2-00001.snappy.parquet"), settings);
    }

    @Override
    String costColumn() {
        return "line_item_unblended_cost";
    }

    @Override
    String thirdLine() {
        return null;
    }
}

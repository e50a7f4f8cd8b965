package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

/** CUR for Athena as Parquet, every column text with '' for no value (FormatWriters#curAthenaParquet). */
class CurAthenaParquetFormatTest extends SourceFormatContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return FormatWriters.curAthenaParquet(lines, folder.resolve("athena-00001.snappy.parquet"), settings);
    }

    @Override
    String costColumn() {
        return "line_item_unblended_cost";
    }

    @Override
    String thirdLine() {
        return "row 3";
    }
}

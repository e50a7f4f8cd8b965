package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

/** CUR 2.0 Parquet with DOUBLE costs and text rates holding '' (FormatWriters#cur2ParquetAsAwsWritesIt). */
class Cur2ParquetAsAwsWritesItFormatTest extends SourceFormatContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return FormatWriters.cur2ParquetAsAwsWritesIt(lines, folder.resolve("cur2-00001.snappy.parquet"), settings);
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

package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

class CurAthenaCsvFormatTest extends SourceFormatContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return FormatWriters.curAthenaCsv(lines, folder.resolve("athena.csv.gz"));
    }

    @Override
    String costColumn() {
        return "line_item_unblended_cost";
    }
}

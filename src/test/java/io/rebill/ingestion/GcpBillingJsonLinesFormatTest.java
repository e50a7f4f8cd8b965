package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

/** Google Cloud's billing export table exported from BigQuery as JSON lines: nested records, numbers as numbers. */
class GcpBillingJsonLinesFormatTest extends ReaderContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return ProviderWriters.gcpJsonLines(lines, folder.resolve("gcp_billing_export_v1-000000000000.json"));
    }

    @Override
    String costColumn() {
        return "cost";
    }

    /** A JSON number cannot be '12,5x': the writer would write invalid JSON; the line is named in GcpExportsTest. */
    @Override
    String thirdLine() {
        return null;
    }
}

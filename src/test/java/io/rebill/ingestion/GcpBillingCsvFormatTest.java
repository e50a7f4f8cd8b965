package io.rebill.ingestion;

import java.nio.file.Path;
import java.util.List;

/** Google Cloud's BigQuery billing export written to CSV, dotted column names as BigQuery names them. */
class GcpBillingCsvFormatTest extends ReaderContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        return ProviderWriters.gcpCsv(lines, folder.resolve("gcp_billing_export_v1.csv"));
    }

    @Override
    String costColumn() {
        return "cost";
    }
}

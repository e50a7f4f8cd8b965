package io.rebill.ingestion;

import io.rebill.shared.duckdb.DuckDb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * Google Cloud's billing export table exported from BigQuery as Parquet: records as structs, repeated records as
 * lists, cost as DOUBLE (BigQuery's FLOAT64), timestamps with time zone.
 */
class GcpBillingParquetFormatTest extends ReaderContract {
    @Override
    Path write(List<LineItemFixture> lines, Path folder) {
        Path json = ProviderWriters.gcpJsonLines(lines, folder.resolve("src.json.txt"));
        Path file = folder.resolve("gcp_billing_export_v1-000000000000.parquet");
        try (Connection c = DuckDb.open(settings); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * REPLACE (CAST(cost AS DOUBLE) AS cost, CAST(usage_start_time AS TIMESTAMPTZ) AS usage_start_time,"
                    + " CAST(usage_end_time AS TIMESTAMPTZ) AS usage_end_time) FROM read_json('" + DuckDb.literal(json.toString())
                    + "', format = 'newline_delimited')) TO '" + DuckDb.literal(file.toString()) + "' (FORMAT parquet)");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    @Override
    String costColumn() {
        return "cost";
    }

    @Override
    String thirdLine() {
        return null;
    }
}

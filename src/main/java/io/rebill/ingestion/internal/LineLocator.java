package io.rebill.ingestion.internal;

import io.rebill.shared.duckdb.DuckDb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Finds where a column of a billing file first holds a value that fails a check: the line of a CSV file, the row of
 * a Parquet file. Only used to explain an error that DuckDB reported without a line number, so it may stream the
 * file at Java speed.
 */
final class LineLocator {
    private LineLocator() {
    }

    /**
     * "line N" (CSV: the 1-based physical line, header = line 1) or "row N" (Parquet: the 1-based row, read through
     * {@code duck}, which may be null for a CSV file) of the first record whose column fails, as text values (a
     * Parquet value cast to VARCHAR, as the mapping reads it).
     */
    static Optional<String> first(Connection duck, SniffedFile file, String column, Predicate<String> bad) {
        if (file.container().typed()) {
            OptionalLong row = duck == null ? OptionalLong.empty() : firstRow(duck, file, column, bad);
            // a JSON lines file holds one record per line
            String unit = file.container() == Container.JSON_LINES ? "line " : "row ";
            return row.isPresent() ? Optional.of(unit + row.getAsLong()) : Optional.empty();
        }
        OptionalLong line = firstLine(file, column, bad);
        return line.isPresent() ? Optional.of("line " + line.getAsLong()) : Optional.empty();
    }

    /** The 1-based row of a Parquet file whose column first fails, in file order (file_row_number). */
    private static OptionalLong firstRow(Connection duck, SniffedFile file, String column, Predicate<String> bad) {
        if (!file.columns().contains(column)) {
            return OptionalLong.empty();
        }
        String sql = file.container() == Container.PARQUET && file.flattened().isEmpty()
                ? "SELECT file_row_number, CAST(" + DuckDb.identifier(column) + " AS VARCHAR) FROM read_parquet('"
                + DuckDb.literal(file.path().toString()) + "', file_row_number = true)"
                // nested or JSON lines: the rows of the file's own scan, counted in file order
                : "SELECT row_number() OVER () - 1, CAST(" + DuckDb.identifier(column) + " AS VARCHAR) FROM "
                + new MappingQuery(file).scan();
        // the scan streams in file order: DuckDb.open keeps insertion order (and Ingester sets it back after a COPY)
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (bad.test(rs.getString(2))) {
                    return OptionalLong.of(rs.getLong(1) + 1);
                }
            }
        } catch (SQLException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** The 1-based physical line number (header = line 1) of the first data record of a CSV file whose column fails. */
    private static OptionalLong firstLine(SniffedFile file, String column, Predicate<String> bad) {
        int index = file.columns().indexOf(column);
        if (index < 0) {
            return OptionalLong.empty();
        }
        try (InputStream raw = Files.newInputStream(file.path());
             InputStream in = file.container() == Container.GZIP_CSV ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            long line = 1;
            long recordStart;
            boolean header = true;
            String text;
            while ((text = reader.readLine()) != null) {
                recordStart = line;
                StringBuilder record = new StringBuilder(text);
                while (CsvFields.openQuote(record) && (text = reader.readLine()) != null) {
                    record.append('\n').append(text);
                    line++;
                }
                if (!header) {
                    List<String> fields = CsvFields.split(record);
                    String value = index < fields.size() ? fields.get(index) : null;
                    if (bad.test(value)) {
                        return OptionalLong.of(recordStart);
                    }
                }
                header = false;
                line++;
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}

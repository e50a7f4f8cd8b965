package io.rebill.ingestion.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Finds the line of a CSV file where a column first holds a value that fails a check. Only used to explain an
 * error that DuckDB reported without a line number, so it may stream the file at Java speed.
 */
final class LineLocator {
    private LineLocator() {
    }

    /** The 1-based physical line number (header = line 1) of the first data record whose column fails. */
    static OptionalLong firstLine(SniffedFile file, String column, Predicate<String> bad) {
        if (file.container() == Container.PARQUET) {
            return OptionalLong.empty();
        }
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

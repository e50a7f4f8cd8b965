package io.rebill.ingestion.internal;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 field splitting for the few lines Java reads itself (a header, an error's line); DuckDB reads the rest. */
final class CsvFields {
    private CsvFields() {
    }

    /** Fields of one record: comma-separated, double quotes around a field, "" for a quote inside one. */
    static List<String> split(CharSequence record) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < record.length(); i++) {
            char c = record.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < record.length() && record.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /** Whether a quote is still open at the end, i.e. the record continues on the next physical line. */
    static boolean openQuote(CharSequence record) {
        int quotes = 0;
        for (int i = 0; i < record.length(); i++) {
            if (record.charAt(i) == '"') {
                quotes++;
            }
        }
        return quotes % 2 == 1;
    }
}

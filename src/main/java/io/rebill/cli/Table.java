package io.rebill.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain text table with columns as wide as their widest cell. */
final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    void row(String... cells) {
        rows.add(Arrays.asList(cells));
    }

    void row(List<String> cells) {
        rows.add(cells);
    }

    String render() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], cell(r, i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, widths);
        for (int i = 0; i < widths.length; i++) {
            sb.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        sb.append('\n');
        rows.forEach(r -> line(sb, r, widths));
        return sb.toString();
    }

    private static String cell(List<String> row, int i) {
        String v = i < row.size() ? row.get(i) : "";
        return v == null ? "" : v;
    }

    private static void line(StringBuilder sb, List<String> row, int[] widths) {
        for (int i = 0; i < widths.length; i++) {
            String v = cell(row, i);
            sb.append(i == 0 ? "" : "  ").append(v).append(" ".repeat(widths[i] - v.length()));
        }
        sb.append('\n');
    }
}

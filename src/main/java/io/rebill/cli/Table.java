package io.rebill.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A plain text table with columns as wide as their widest cell; a column whose cells are all numbers (amounts,
 * counts, percentages) is aligned right, so that digits line up.
 */
final class Table {
    private static final Pattern NUMBER = Pattern.compile("-?[0-9][0-9,]*(\\.[0-9]+)?( ?%)?");

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
        boolean[] right = new boolean[widths.length];
        for (int i = 0; i < widths.length; i++) {
            int column = i;
            right[i] = rows.stream().anyMatch(r -> !cell(r, column).isEmpty())
                    && rows.stream().map(r -> cell(r, column)).allMatch(v -> v.isEmpty() || NUMBER.matcher(v).matches());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, widths, right);
        for (int i = 0; i < widths.length; i++) {
            sb.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
        }
        sb.append('\n');
        rows.forEach(r -> line(sb, r, widths, right));
        return sb.toString();
    }

    private static String cell(List<String> row, int i) {
        String v = i < row.size() ? row.get(i) : "";
        return v == null ? "" : v;
    }

    private static void line(StringBuilder sb, List<String> row, int[] widths, boolean[] right) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String v = cell(row, i);
            String pad = " ".repeat(widths[i] - v.length());
            line.append(i == 0 ? "" : "  ").append(right[i] ? pad + v : v + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}

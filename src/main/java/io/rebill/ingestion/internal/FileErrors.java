package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns what DuckDB says about a bad file into an error that names the file, line and column. */
final class FileErrors {
    private static final Pattern CSV_LINE = Pattern.compile("CSV Error on Line: (\\d+)");
    private static final String BAD_TIMESTAMP = "rebill-bad-timestamp\u001f";
    private static final String BAD_NUMBER = "rebill-bad-number\u001f";
    private static final String NUL_BYTE = "rebill-nul-byte\u001f";
    private static final String BAD_CATEGORY = "rebill-bad-category\u001f";
    private static final String BAD_MONTH = "rebill-bad-month\u001f";

    private FileErrors() {
    }

    /**
     * The errors that send a file to the next stored money scale: rb_money_10 or rb_money_12 met a cost with more
     * places (macros.sql), or a cost of 10^8 or more did not fit the compact DECIMAL(18,10).
     */
    static boolean needsWideMoney(SQLException e) {
        String m = e.getMessage();
        return m != null && (m.contains("rebill-money-scale\u001f")
                || m.contains("to type " + CanonicalColumn.storedMoney(CanonicalColumn.COMPACT_MONEY_SCALE) + " failed"));
    }

    /** What {@link #needsWideMoney} met, for the log: the column and value, or DuckDB's cast message. */
    static String moneyThatDoesNotFit(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        int at = m.indexOf("rebill-money-scale\u001f");
        if (at >= 0) {
            String[] parts = m.substring(at).split("\u001f");
            return parts.length >= 3 ? parts[1] + " " + parts[2].lines().findFirst().orElse("") : m;
        }
        int cast = m.indexOf("Casting value");
        return cast >= 0 ? m.substring(cast).lines().findFirst().orElse(m) : m;
    }

    /** {@code duck} reads a Parquet file again to find the row of a bad value; it may be null for a CSV file. */
    static RebillException explain(Connection duck, SniffedFile file, SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.contains(BAD_TIMESTAMP)) {
            return badValue(duck, file, message, BAD_TIMESTAMP, "is not a timestamp (expected ISO 8601 such as 2024-09-01T00:00:00Z)");
        }
        if (message.contains(BAD_NUMBER)) {
            return badValue(duck, file, message, BAD_NUMBER, "is not a number (expected a decimal such as 12.3456 or 1.5E-7)");
        }
        if (message.contains(BAD_MONTH)) {
            return badValue(duck, file, message, BAD_MONTH, "is not an invoice month (expected YYYYMM such as 202411)");
        }
        if (message.contains(BAD_CATEGORY)) {
            return badValue(duck, file, message, BAD_CATEGORY, "is not a FOCUS ChargeCategory; allowed values: "
                    + "Usage, Purchase, Tax, Credit, Adjustment");
        }
        if (message.contains(NUL_BYTE)) {
            String column = firstLine(message.substring(message.indexOf(NUL_BYTE) + NUL_BYTE.length()));
            Optional<String> line = LineLocator.first(duck, file, column, v -> v != null && v.indexOf('\0') >= 0);
            return new RebillException(ErrorCode.BAD_VALUE, file.displayName() + where(line) + ": column " + column
                    + ": a NUL byte (0x00) in the value; a billing file's text holds none (is the file part binary?)");
        }
        String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("gzip") || lower.contains("zlib") || lower.contains("inflate")) {
            return new RebillException(ErrorCode.FILE_UNREADABLE, file.displayName()
                    + ": the gzip stream is truncated or corrupt (" + firstLine(message)
                    + "); download the file again", e);
        }
        Matcher m = CSV_LINE.matcher(message);
        if (m.find()) {
            return new RebillException(ErrorCode.BAD_VALUE, file.displayName() + ": line " + m.group(1) + ": "
                    + detail(message), e);
        }
        if (lower.contains("malformed json") || lower.contains("json")) {
            return new RebillException(ErrorCode.BAD_VALUE, file.displayName()
                    + ": a tags or product value is not a JSON object: " + firstLine(message), e);
        }
        return new RebillException(ErrorCode.BAD_VALUE, file.displayName() + ": " + firstLine(message), e);
    }

    private static RebillException badValue(Connection duck, SniffedFile file, String message, String marker, String what) {
        String[] parts = message.substring(message.indexOf(marker) + marker.length()).split("\u001f", 2);
        String column = parts[0];
        String value = parts.length > 1 ? firstLine(parts[1]) : "";
        Optional<String> line = LineLocator.first(duck, file, column, v -> v != null && v.equals(value));
        return new RebillException(ErrorCode.BAD_VALUE, file.displayName() + where(line) + ": column " + column
                + ": '" + value + "' " + what);
    }

    private static String detail(String message) {
        String[] lines = message.split("\n");
        for (String l : lines) {
            if (l.startsWith("Error when converting") || l.startsWith("Expected Number of Columns")) {
                return l.trim();
            }
        }
        return firstLine(message);
    }

    /** After a CSV scan with store_rejects: fails with the first rejected line of this file, if any. */
    static void checkRejects(Connection duck, SniffedFile file) {
        if (file.container().typed()) {
            return;
        }
        String sql = "SELECT e.line, e.column_name, e.error_type, e.error_message, count(*) OVER () AS n"
                + " FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)"
                + " WHERE s.file_path = ? ORDER BY e.line LIMIT 1";
        try (PreparedStatement ps = duck.prepareStatement(sql)) {
            ps.setString(1, file.path().toString());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long more = rs.getLong("n") - 1;
                    String type = rs.getString("error_type");
                    String column = type.contains("COLUMNS") ? null : rs.getString("column_name");
                    throw new RebillException(ErrorCode.BAD_VALUE, file.displayName() + ": line " + rs.getLong("line")
                            + (column == null ? "" : ": column " + column) + ": " + rejectMessage(rs.getString("error_type"),
                            rs.getString("error_message"))
                            + (more > 0 ? " (and " + more + " more rejected lines)" : ""));
                }
            }
        } catch (SQLException e) {
            if (!String.valueOf(e.getMessage()).contains("reject_")) {
                throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot read DuckDB's rejected lines: "
                        + firstLine(e.getMessage()), e);
            }
        }
    }

    private static String rejectMessage(String type, String message) {
        if ("MISSING COLUMNS".equals(type) || "TOO MANY COLUMNS".equals(type)) {
            return message + " (the line has a different number of fields than the header)";
        }
        return message;
    }

    /** {@code duck} reads a Parquet file again to find the row; it may be null for a CSV file. */
    static RebillException missingBillingPeriod(Connection duck, SniffedFile file) {
        List<String> candidates = List.of("bill/BillingPeriodStartDate", "bill_billing_period_start_date",
                "BillingPeriodStart", "ChargePeriodStart");
        for (String column : candidates) {
            if (file.columns().contains(column)) {
                Optional<String> line = LineLocator.first(duck, file, column, v -> v == null || v.isBlank()
                        || v.equals("NULL") || v.equals("null") || v.equals("\\N"));
                return new RebillException(ErrorCode.BAD_VALUE, file.displayName() + where(line) + ": column " + column
                        + ": empty; every line needs the start of its billing period");
            }
        }
        return new RebillException(ErrorCode.MISSING_COLUMN, file.displayName()
                + ": no billing period column; expected one of " + candidates);
    }

    private static String where(Optional<String> line) {
        return line.map(l -> ": " + l).orElse("");
    }

    static String firstLine(String s) {
        return FileSniffer.firstLine(s);
    }
}

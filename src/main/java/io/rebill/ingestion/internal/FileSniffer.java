package io.rebill.ingestion.internal;

import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/** Reads only what is needed to know a file: its magic bytes and its header. */
final class FileSniffer {
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private FileSniffer() {
    }

    static SniffedFile sniff(Path path, Connection duck) {
        long size;
        try {
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new RebillException(ErrorCode.FILE_NOT_FOUND, path + ": no such file");
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, path + ": cannot read: " + e.getMessage());
        }
        if (size == 0) {
            throw new RebillException(ErrorCode.FILE_EMPTY, path + ": the file is empty (0 bytes)");
        }
        Container container = container(path);
        if (container.typed()) {
            NestedColumns.Flat flat = NestedColumns.flatten(path, container, duck);
            if (flat.expressions().isEmpty()) {
                return withFormat(path, container, new ArrayList<>(flat.types().keySet()), flat.types(), size);
            }
            SniffedFile file = withFormat(path, container, new ArrayList<>(flat.types().keySet()), flat.types(), size);
            return new SniffedFile(path, container, file.format(), file.columns(), file.parquetTypes(), size, flat.expressions());
        }
        List<String> header = uniqueNames(path, parseHeader(path, readHeaderLine(path, container)));
        return withFormat(path, container, header, Map.of(), size);
    }

    private static SniffedFile withFormat(Path path, Container container, List<String> columns,
                                          Map<String, String> types, long size) {
        SourceFormat format = SourceFormat.detect(columns).orElseThrow(() -> new RebillException(
                ErrorCode.UNKNOWN_FORMAT, path + ": line 1: the header is not a known billing format; expected "
                + SourceFormat.expectation() + ", found " + preview(columns)));
        return new SniffedFile(path, container, format, columns, types, size);
    }

    private static String preview(List<String> columns) {
        List<String> first = columns.subList(0, Math.min(6, columns.size()));
        return String.join(", ", first) + (columns.size() > first.size() ? ", ... (" + columns.size() + " columns)" : "");
    }

    private static Container container(Path path) {
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(magic, 0, 4);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, path + ": cannot read: " + e.getMessage());
        }
        if (n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return Container.GZIP_CSV;
        }
        if (n == 4 && magic[0] == 'P' && magic[1] == 'A' && magic[2] == 'R' && magic[3] == '1') {
            return Container.PARQUET;
        }
        // a CSV header never starts with '{'; a JSON lines file (after a byte-order mark) always does
        int first = n >= 4 && (magic[0] & 0xff) == 0xef && (magic[1] & 0xff) == 0xbb && (magic[2] & 0xff) == 0xbf ? magic[3] : magic[0];
        if (n > 0 && first == '{') {
            return Container.JSON_LINES;
        }
        return Container.CSV;
    }

    private static String readHeaderLine(Path path, Container container) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path));
             InputStream in = container == Container.GZIP_CSV ? new GZIPInputStream(raw) : raw) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            boolean quoted = false;
            int b;
            long at = 0;
            while ((b = in.read()) != -1) {
                at++;
                if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' || b == 0x7f) {
                    throw notText(path, at, b);
                }
                if (b == '"') {
                    quoted = !quoted;
                }
                if ((b == '\n' || b == '\r') && !quoted) {
                    break;
                }
                line.write(b);
                if (line.size() > MAX_HEADER_BYTES) {
                    throw new RebillException(ErrorCode.UNKNOWN_FORMAT,
                            path + ": line 1: no end of the header line in the first 1 MiB; this is not a CSV billing file");
                }
            }
            String header = utf8(path, line.toByteArray());
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1);
            }
            if (header.isBlank()) {
                throw new RebillException(ErrorCode.FILE_EMPTY, path + ": line 1: the header line is empty");
            }
            return header;
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE,
                    path + ": cannot read the header: " + e.getMessage()
                            + (container == Container.GZIP_CSV ? " (is the gzip file truncated or corrupt?)" : ""));
        }
    }

    /**
     * A spreadsheet, zip or PDF saved as .csv: refused before DuckDB reads it, so the caller hears "not text"
     * instead of a garbled header (issue 14 item 9). Control bytes other than tab and line ends never occur in a
     * billing CSV's header.
     */
    private static RebillException notText(Path path, long at, int b) {
        return new RebillException(ErrorCode.FILE_UNREADABLE, path + ": not a text file: byte " + at + " is 0x"
                + String.format("%02x", b) + " (a control byte); expected a CSV billing file in UTF-8, or gzip or Parquet");
    }

    private static String utf8(Path path, byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, path + ": not a text file: line 1 is not valid UTF-8;"
                    + " expected a CSV billing file in UTF-8, or gzip or Parquet");
        }
    }

    /** The header's names: CSV fields, trimmed. */
    static List<String> parseHeader(Path path, String line) {
        if (CsvFields.openQuote(line)) {
            throw new RebillException(ErrorCode.UNKNOWN_FORMAT, path + ": line 1: unterminated quote in the header");
        }
        return CsvFields.split(line).stream().map(String::trim).toList();
    }

    /**
     * Empty names become column_N (with a _2, _3 suffix should that name be taken) so that SQL can name each one. A
     * name given twice is refused naming both columns: which of two lineItem/UnblendedCost columns is the cost is not
     * for the reader to guess (issue 14 item 9).
     */
    static List<String> uniqueNames(Path path, List<String> names) {
        Map<String, Integer> given = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            Integer before = name.isEmpty() ? null : given.putIfAbsent(name, i + 1);
            if (before != null) {
                throw new RebillException(ErrorCode.UNKNOWN_FORMAT, path + ": line 1: columns " + before + " and "
                        + (i + 1) + " are both named '" + name + "'; each column of a billing file needs its own name");
            }
        }
        Set<String> seen = new HashSet<>(given.keySet());
        List<String> unique = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.isEmpty()) {
                String base = "column_" + (i + 1);
                name = base;
                for (int k = 2; !seen.add(name); k++) {
                    name = base + "_" + k;
                }
            }
            unique.add(name);
        }
        return unique;
    }

    private static Map<String, String> parquetTypes(Path path, Connection duck) {
        Map<String, String> types = new LinkedHashMap<>();
        try (PreparedStatement ps = duck.prepareStatement(
                "DESCRIBE SELECT * FROM read_parquet('" + DuckDb.literal(path.toString()) + "')");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                types.put(rs.getString("column_name"), rs.getString("column_type"));
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE,
                    path + ": not a readable Parquet file: " + firstLine(e.getMessage()));
        }
        return types;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}

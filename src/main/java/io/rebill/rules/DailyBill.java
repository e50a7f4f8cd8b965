package io.rebill.rules;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A bill and its daily aggregate (issue 12): the rows per customer and day that reports read. The rows stay in a
 * file DuckDB wrote (one JSON object a line, amounts as exact decimal text), so that a month of hundreds of
 * thousands of rows is streamed into PostgreSQL rather than held in memory; closing deletes the file.
 */
public final class DailyBill implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BillResult result;
    private final Path rows;
    private final long count;

    private Path tagRows;
    private long tagCount;
    private final java.util.Map<String, Long> phaseMillis = new java.util.LinkedHashMap<>();

    public DailyBill(BillResult result, Path rows, long count) {
        this.result = result;
        this.rows = rows;
        this.count = count;
    }

    /** Adds the tag aggregate's rows (issue 12: a file of one JSON object a line, deleted on close). */
    public DailyBill withTags(Path tagRows, long tagCount) {
        this.tagRows = tagRows;
        this.tagCount = tagCount;
        return this;
    }

    /** The tag aggregate's rows as text, one JSON object a line, if the run computed them. */
    public java.util.Optional<java.io.Reader> tagReader() {
        if (tagRows == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Files.newBufferedReader(tagRows, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the tag costs in " + tagRows + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Records how long a phase of the run took (bill, daily aggregate, tag aggregate, kept lines). */
    public DailyBill phase(String name, long millis) {
        phaseMillis.put(name, millis);
        return this;
    }

    /** The phases of the run in the order they ran, with their milliseconds (the bill run's log line). */
    public java.util.Map<String, Long> phaseMillis() {
        return java.util.Collections.unmodifiableMap(phaseMillis);
    }

    public long tagCount() {
        return tagCount;
    }

    public BillResult result() {
        return result;
    }

    public long count() {
        return count;
    }

    /** The rows as text, one JSON object a line (for a bulk load such as PostgreSQL's COPY). */
    public java.io.Reader reader() {
        try {
            return Files.newBufferedReader(rows, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the daily costs in " + rows + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Passes the rows in chunks of at most {@code size}, each a JSON array text of the rows' objects. */
    public void chunks(int size, Consumer<String> chunk) {
        try (BufferedReader in = Files.newBufferedReader(rows, StandardCharsets.UTF_8)) {
            List<String> lines = new ArrayList<>(size);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
                if (lines.size() == size) {
                    chunk.accept("[" + String.join(",", lines) + "]");
                    lines.clear();
                }
            }
            if (!lines.isEmpty()) {
                chunk.accept("[" + String.join(",", lines) + "]");
            }
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the daily costs in " + rows + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Every row as a value (tests and small reads; a bill run streams them with {@link #chunks}). */
    public List<DailyCost> daily() {
        List<DailyCost> list = new ArrayList<>();
        chunks(1_000, array -> {
            for (JsonNode r : JSON.readTree(array)) {
                list.add(new DailyCost(text(r, "customer_key"), LocalDate.parse(r.path("day").asString()),
                        DailyCost.Kind.valueOf(r.path("kind").asString().toUpperCase(Locale.ROOT)),
                        r.path("service").asString(), text(r, "service_category"), text(r, "charge_type"),
                        text(r, "region"), text(r, "sub_account_id"), r.path("currency").asString(),
                        new BigDecimal(r.path("cost").asString()), new BigDecimal(r.path("charge").asString())));
            }
        });
        return list;
    }

    private static String text(JsonNode row, String field) {
        JsonNode v = row.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asString();
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(rows);
            if (tagRows != null) {
                Files.deleteIfExists(tagRows);
            }
        } catch (IOException e) {
            // a leftover file under the temp folder is harmless; the next start's temp cleanup removes it
        }
    }
}

package io.rebill.rules;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A bill and its aggregates (issue 12): the fine daily rows ({@link RunFiles#DAILY}) and, when asked, the tag rows
 * ({@link RunFiles#TAGS}) as Parquet files DuckDB wrote (in the run's folder beside its kept lines, or in a folder of
 * their own that closing deletes), and the rollup by customer, day, kind and service as a CSV file (customer_key,
 * day, kind, service, currency, cost, charge; no header) for PostgreSQL's COPY, deleted on close.
 */
public final class DailyBill implements AutoCloseable {
    private final BillResult result;
    private final Path daily;
    private final long count;
    private final Path rollup;
    private final Optional<Path> ownedFolder;
    private Path tagRows;
    private long tagCount;
    private final Map<String, Long> phaseMillis = new LinkedHashMap<>();

    /**
     * @param daily       the fine daily rows (Parquet)
     * @param rollup      their rollup by customer, day, kind and service (CSV), deleted on close
     * @param ownedFolder a folder the files live in that closing deletes (none: the run's folder, which stays)
     */
    public DailyBill(BillResult result, Path daily, long count, Path rollup, Optional<Path> ownedFolder) {
        this.result = result;
        this.daily = daily;
        this.count = count;
        this.rollup = rollup;
        this.ownedFolder = ownedFolder;
    }

    /** Adds the tag aggregate's rows (a Parquet file beside the daily rows). */
    public DailyBill withTags(Path tagRows, long tagCount) {
        this.tagRows = tagRows;
        this.tagCount = tagCount;
        return this;
    }

    /** Records how long a phase of the run took (bill, daily aggregate, tag aggregate, kept lines). */
    public DailyBill phase(String name, long millis) {
        phaseMillis.put(name, millis);
        return this;
    }

    /** The phases of the run in the order they ran, with their milliseconds (the bill run's log line). */
    public Map<String, Long> phaseMillis() {
        return Collections.unmodifiableMap(phaseMillis);
    }

    public BillResult result() {
        return result;
    }

    /** How many fine daily rows. */
    public long count() {
        return count;
    }

    public long tagCount() {
        return tagCount;
    }

    /** The fine daily rows' Parquet file. */
    public Path dailyFile() {
        return daily;
    }

    /** The tag aggregate's Parquet file, if the run computed one. */
    public Optional<Path> tagFile() {
        return Optional.ofNullable(tagRows);
    }

    /** The rollup as CSV text (customer_key, day, kind, service, currency, cost, charge; no header), for a COPY. */
    public java.io.Reader rollupReader() {
        try {
            return Files.newBufferedReader(rollup, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the daily cost rollup in " + rollup
                    + " failed: " + e.getMessage(), e);
        }
    }

    /** Every fine row as a value (tests and small reads; the reports read the file with DuckDB). */
    public List<DailyCost> daily() {
        List<DailyCost> list = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
             PreparedStatement ps = duck.prepareStatement("SELECT customer_key, CAST(day AS VARCHAR), kind, service,"
                     + " service_category, charge_type, region, sub_account_id, currency, CAST(cost AS VARCHAR),"
                     + " CAST(charge AS VARCHAR) FROM read_parquet(?)")) {
            ps.setString(1, daily.toString());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new DailyCost(rs.getString(1), LocalDate.parse(rs.getString(2)),
                            DailyCost.Kind.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            new BigDecimal(rs.getString(10)), new BigDecimal(rs.getString(11))));
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the daily costs in " + daily + " failed: "
                    + e.getMessage(), e);
        }
        return list;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(rollup);
        } catch (IOException e) {
            // a leftover file under the temp folder is harmless; the next start's temp cleanup removes it
        }
        ownedFolder.ifPresent(Trees::delete);
    }
}

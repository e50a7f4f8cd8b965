package io.rebill.costs;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredLines;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A customer account's own integrations' costs by day, for its cost reports (issue 12 item 1: "plus the customer's
 * own integrations' costs as they are"): the stored lines of the integrations the account set up itself, which its
 * MSP never bills, summed by DuckDB into one row per day, currency and value of the dimensions a report uses (its
 * groupings and filters: service, category, charge type, region, provider account, a tag key; the others stay
 * empty), on the effective (amortised) basis, as the home's "Your own integrations" and the Sources page show them.
 * No rule of the MSP touches them. Summing by the report's dimensions only keeps the sums small (a report by service
 * is about days x services rows, whatever the number of lines and accounts).
 *
 * <p>Only integrations whose account is the one asked for are read ({@link Integrations#of}): never another
 * customer's, never the MSP's (billed through bill runs, so never counted twice). The sums are cached per (source,
 * period, stored generation, dimensions, tag key) like {@link OwnIntegrationCosts}: an ingest writes a new generation and never
 * reuses one, so a request never re-sums unchanged lines and never serves lines no longer stored.
 */
public final class OwnIntegrationDays {
    /** One integration's sum of a day and combination of dimensions; a null dimension is a line without a value. */
    record Day(String integration, LocalDate day, String service, String category, String chargeType, String region,
               String subAccount, String tagValue, String currency, BigDecimal cost) {
    }

    private record Key(String source, BillingPeriod period, String generation, Set<ReportDimension.Kind> dimensions,
                       String tagKey) {
    }

    private record Sums(List<Day> days) {
    }

    private static final int CACHED_PERIODS = 512;
    /** The stored line's column of each dimension a day sum can keep (as the bill run names them for re-billed rows). */
    private static final Map<ReportDimension.Kind, String> COLUMNS = new java.util.EnumMap<>(Map.of(
            ReportDimension.Kind.SERVICE, "COALESCE(service_name, 'Other')",
            ReportDimension.Kind.SERVICE_CATEGORY, "service_category",
            ReportDimension.Kind.CHARGE_TYPE, "x_charge_type",
            ReportDimension.Kind.REGION, "region_id",
            ReportDimension.Kind.SUB_ACCOUNT, "sub_account_id"));
    private static final String NONE = "CAST(NULL AS VARCHAR)";

    private final Integrations integrations;
    private final Ingestion ingestion;
    private final Map<Key, Sums> cache = io.rebill.shared.cache.Lru.of(CACHED_PERIODS);

    public OwnIntegrationDays(Integrations integrations, Ingestion ingestion) {
        this.integrations = integrations;
        this.ingestion = ingestion;
    }

    /**
     * The days of {@code account}'s own integrations from {@code from} to {@code to} (both included), summed by
     * {@code dimensions} (those of {@link #COLUMNS}; any other is ignored) and, with {@code tagKey}, that tag's value.
     */
    List<Day> days(UUID account, LocalDate from, LocalDate to, Set<ReportDimension.Kind> dimensions,
                   Optional<String> tagKey) {
        Set<ReportDimension.Kind> kept = dimensions.stream().filter(COLUMNS::containsKey)
                .collect(java.util.stream.Collectors.toCollection(() -> java.util.EnumSet.noneOf(
                        ReportDimension.Kind.class)));
        List<Day> days = new ArrayList<>();
        for (Integration integration : integrations.of(account)) {
            Optional<SourceState> state = ingestion.find(integration.sourceName());
            if (state.isEmpty()) {
                continue;
            }
            for (YearMonth m = YearMonth.from(from); !m.isAfter(YearMonth.from(to)); m = m.plusMonths(1)) {
                Optional<StoredPeriod> stored = state.get().period(new BillingPeriod(m));
                if (stored.isEmpty()) {
                    continue;
                }
                Key key = new Key(state.get().name(), stored.get().period(), stored.get().generation(),
                        Set.copyOf(kept), tagKey.orElse(null));
                for (Day d : sums(key).days()) {
                    if (!d.day().isBefore(from) && !d.day().isAfter(to)) {
                        days.add(new Day(integration.name(), d.day(), d.service(), d.category(), d.chargeType(),
                                d.region(), d.subAccount(), d.tagValue(), d.currency(), d.cost()));
                    }
                }
            }
        }
        return days;
    }

    private Sums sums(Key key) {
        Sums cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        Sums sums = new Sums(List.copyOf(read(key)));
        cache.put(key, sums);
        return sums;
    }

    /** SQL of constants only: the kept dimensions' columns, NULL for the others; the tag key is bound. */
    private static String sql(Key key) {
        java.util.function.Function<ReportDimension.Kind, String> column = k -> key.dimensions().contains(k)
                ? COLUMNS.get(k) : NONE;
        return "SELECT COALESCE(CAST(charge_period_start AS DATE), CAST(? AS DATE)) AS day,"
                + " " + column.apply(ReportDimension.Kind.SERVICE) + " AS service,"
                + " " + column.apply(ReportDimension.Kind.SERVICE_CATEGORY) + " AS service_category,"
                + " " + column.apply(ReportDimension.Kind.CHARGE_TYPE) + " AS charge_type,"
                + " " + column.apply(ReportDimension.Kind.REGION) + " AS region,"
                + " " + column.apply(ReportDimension.Kind.SUB_ACCOUNT) + " AS sub_account_id,"
                + " " + (key.tagKey() == null ? NONE : CanonicalColumn.tagValueSql("tags", "?")) + " AS tag_value,"
                + " COALESCE(billing_currency, 'USD') AS currency, sum(effective_cost) AS cost FROM {lines}"
                + " WHERE billing_period = ? GROUP BY ALL";
    }

    private List<Day> read(Key key) {
        List<Path> files = ingestion.lineItemFiles(key.source(), key.period());
        List<Day> days = new ArrayList<>();
        if (files.isEmpty()) {
            return days;
        }
        try (Connection duck = DuckDb.open(ingestion.settings())) {
            String lines = StoredLines.read(duck, files, "").sql();
            String sql = sql(key).replace("{lines}", lines);
            try (PreparedStatement ps = duck.prepareStatement(sql)) {
                int i = 1;
                ps.setObject(i++, key.period().month().atDay(1).toString());
                if (key.tagKey() != null) {
                    ps.setString(i++, key.tagKey());
                }
                ps.setString(i, key.period().toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        days.add(new Day(null, LocalDate.parse(rs.getString("day").substring(0, 10)),
                                rs.getString("service"), rs.getString("service_category"), rs.getString("charge_type"),
                                rs.getString("region"), rs.getString("sub_account_id"), rs.getString("tag_value"),
                                rs.getString("currency"), rs.getBigDecimal("cost")));
                    }
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the stored lines of " + key.source() + " for "
                    + key.period() + " failed in DuckDB: " + e.getMessage(), e);
        }
        return days;
    }
}

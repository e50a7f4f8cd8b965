package io.rebill.linking.internal;

import io.rebill.ingestion.StoredLines;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider accounts of one stored period of a source, summed once per stored generation (a re-ingest makes a
 * new generation, so the cache never serves old figures): each sub account's effective cost, its currency, and
 * whether it is the payer itself (it appears as a billing account of the lines). One DuckDB pass over the period.
 */
public final class SeenAccounts {
    /** {@code name}: the provider's name of the account where its export has one (null otherwise). */
    public record Seen(String subAccountId, String name, boolean payer, BigDecimal cost, String currency) {
    }

    private record Key(String source, BillingPeriod period, String generation) {
    }

    private final RebillSettings settings;
    private final Map<Key, List<Seen>> cache = new ConcurrentHashMap<>();

    public SeenAccounts(RebillSettings settings) {
        this.settings = settings;
    }

    public List<Seen> of(String source, BillingPeriod period, String generation, List<Path> files) {
        Key key = new Key(source, period, generation);
        List<Seen> seen = cache.get(key);
        if (seen == null) {
            seen = read(period, files);
            cache.keySet().removeIf(k -> k.source().equals(source) && k.period().equals(period));
            cache.put(key, seen);
        }
        return seen;
    }

    private List<Seen> read(BillingPeriod period, List<Path> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        try (Connection duck = DuckDb.open(settings)) {
            String lines = StoredLines.read(duck, files, "").sql();
            // an account named differently on two lines (renamed mid-month) shows one of its names: the greatest
            String sql = "WITH l AS (SELECT sub_account_id, sub_account_name, billing_account_id, billing_currency,"
                    + " effective_cost FROM " + lines + " WHERE billing_period = ? AND sub_account_id IS NOT NULL)"
                    + " SELECT sub_account_id, sub_account_id IN (SELECT billing_account_id FROM l WHERE billing_account_id"
                    + " IS NOT NULL) AS payer, COALESCE(sum(effective_cost), 0), min(billing_currency),"
                    + " max(sub_account_name) FROM l GROUP BY sub_account_id ORDER BY sub_account_id";
            List<Seen> out = new ArrayList<>();
            try (PreparedStatement ps = duck.prepareStatement(sql)) {
                ps.setString(1, period.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Seen(rs.getString(1), rs.getString(5), rs.getBoolean(2), rs.getBigDecimal(3),
                                rs.getString(4)));
                    }
                }
            }
            return List.copyOf(out);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "reading the provider accounts of " + period
                    + " failed in DuckDB: " + e.getMessage(), e);
        }
    }
}

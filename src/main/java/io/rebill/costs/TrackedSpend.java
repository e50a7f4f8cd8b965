package io.rebill.costs;

import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * "Tracked spend" of the Managed Accounts list (seed: Managed Accounts): per customer account, the effective
 * (amortised) cost of its linked accounts in the latest billing period the MSP's integrations hold, before the MSP's
 * billing rules.
 *
 * <p>The sum per linked account comes from the stored line items (DuckDB) and is cached; the cache key is the period
 * and the stored generation of every source that holds it, and a generation is never reused (an ingest writes a new
 * one and swaps it in atomically, docs/ingestion.md), so an ingest, a restatement or a deleted source gives a new key
 * and the next request sums the lines again: the cache cannot serve lines that are no longer stored. Which linked
 * account belongs to which customer is read from PostgreSQL on every call (one query), so a change of assignment shows
 * at once. Issue 14 item 11: summing the lines on every request made the list ~400 ms whatever its page size.
 */
public final class TrackedSpend {
    /** The spend of one customer account in a period. */
    public record Spend(BillingPeriod period, BigDecimal amount) {
    }

    /** The sources (name and stored generation) and the period one report covers. */
    private record Key(BillingPeriod period, Map<String, String> generations) {
    }

    private static final int CACHED_REPORTS = 64;

    private final Integrations integrations;
    private final Ingestion ingestion;
    private final CostQuery costs;
    private final Map<Key, CostReport> reports = io.rebill.shared.cache.Lru.of(CACHED_REPORTS);

    public TrackedSpend(Integrations integrations, Ingestion ingestion, CostQuery costs) {
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.costs = costs;
    }

    /** Every customer account of the MSP with spend in the latest period its integrations hold. */
    public Map<UUID, Spend> byCustomer(UUID msp) {
        List<SourceState> stored = integrations.of(msp).stream().map(Integration::sourceName).distinct()
                .map(ingestion::find).flatMap(Optional::stream).filter(s -> !s.periods().isEmpty()).toList();
        Optional<BillingPeriod> latest = stored.stream().flatMap(s -> s.periods().stream()).map(StoredPeriod::period)
                .max(Comparator.naturalOrder());
        if (latest.isEmpty()) {
            return Map.of();
        }
        BillingPeriod period = latest.get();
        Map<String, String> generations = new java.util.TreeMap<>();
        stored.forEach(s -> s.period(period).ifPresent(p -> generations.put(s.name(), p.generation())));
        Map<String, UUID> owners = integrations.ownersIn(msp, period);
        if (generations.isEmpty() || owners.isEmpty()) {
            return Map.of();
        }
        CostReport report = report(new Key(period, Map.copyOf(generations)));
        Map<UUID, BigDecimal> sums = new HashMap<>();
        report.rows().forEach(row -> {
            UUID customer = owners.get(row.keys().get(0));
            if (customer != null) {
                sums.merge(customer, row.cost(), BigDecimal::add);
            }
        });
        Map<UUID, Spend> result = new HashMap<>();
        sums.forEach((customer, sum) -> result.put(customer, new Spend(period, sum)));
        return result;
    }

    /** The spend of one customer account, if it has any in the latest period. */
    public Optional<Spend> of(UUID msp, UUID customer) {
        return Optional.ofNullable(byCustomer(msp).get(customer));
    }

    private CostReport report(Key key) {
        CostReport cached = reports.get(key);
        if (cached != null) {
            return cached;
        }
        // two first requests may both sum the lines; both get the same figures, and one is kept
        CostReport report = costs.run(new CostRequest(List.copyOf(key.generations().keySet()), key.period(),
                List.of(CostDimension.parse("sub_account_id")), CostBasis.EFFECTIVE));
        reports.put(key, report);
        return report;
    }
}

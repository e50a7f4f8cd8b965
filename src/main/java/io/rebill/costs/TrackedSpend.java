package io.rebill.costs;

import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Integrations;
import io.rebill.tenancy.ManagedListInputs;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.sql.Array;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * "Tracked spend" of the Managed Accounts list (seed: Managed Accounts): per customer account, the effective
 * (amortised) cost of its linked accounts in the latest billing period the MSP's integrations hold, before the MSP's
 * billing rules.
 *
 * <p>Two things are kept between requests, each under a key made of everything it was computed from, so neither can
 * be served once what it stands for has changed (issue 14 item 11):
 * <ul>
 * <li>the sum per linked account of a period's stored line items (DuckDB), keyed by the period and the stored
 * generation of every source that holds it. A generation is never reused (an ingest writes a new one and swaps it in
 * atomically, docs/ingestion.md), so an ingest, a restatement or a deleted source gives a new key;</li>
 * <li>those sums added up per customer account, keyed by the MSP, the same period and generations and the version of
 * the MSP's linked-account assignments ({@code tracked-spend.sql}: a per-MSP counter that a trigger raises in the
 * transaction of every change of an assignment row, read by its key on every request with the MSP's sources). A
 * move, an unassignment, a deleted integration or customer (ON DELETE CASCADE included), by this server or any other
 * process, gives a new key at the next request.</li>
 * </ul>
 * A request therefore reads one statement and each source's state (kept per state.json file), and adds nothing up
 * unless something changed; reading all the MSP's assignments and adding up the per-account sums on every request was
 * most of the list's CPU at 1,000 managed accounts.
 */
public final class TrackedSpend {
    /** The spend of one customer account in a period. */
    public record Spend(BillingPeriod period, BigDecimal amount) {
    }

    /** The sources (name and stored generation) and the period one report covers. */
    private record ReportKey(BillingPeriod period, Map<String, String> generations) {
    }

    /** One MSP's spend per customer: the report it adds up and the assignments it adds up by. */
    private record SpendKey(UUID msp, ReportKey report, String assignments) {
    }

    /** What PostgreSQL holds of the spend's inputs, as of one statement. */
    private record Inputs(String assignments, List<String> sources) {
    }

    private static final int CACHED_REPORTS = 64;
    private static final SqlStatements SQL = SqlStatements.load(TrackedSpend.class, "/io/rebill/costs/tracked-spend.sql");

    private final JdbcClient jdbc;
    private final Integrations integrations;
    private final Ingestion ingestion;
    private final CostQuery costs;
    private final Map<ReportKey, CostReport> reports = io.rebill.shared.cache.Lru.of(CACHED_REPORTS);
    private final Map<SpendKey, Map<UUID, Spend>> spends = io.rebill.shared.cache.Lru.of(CACHED_REPORTS);

    public TrackedSpend(JdbcClient jdbc, Integrations integrations, Ingestion ingestion, CostQuery costs) {
        this.jdbc = jdbc;
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.costs = costs;
    }

    /** Every customer account of the MSP with spend in the latest period its integrations hold. */
    public Map<UUID, Spend> byCustomer(UUID msp) {
        return byCustomer(msp, inputs(msp));
    }

    /**
     * As {@link #byCustomer(UUID)}, from the inputs the Managed Accounts list has just read with its own version in
     * one statement ({@link ManagedListInputs}): the list's request then reads no statement of its own here.
     */
    public Map<UUID, Spend> byCustomer(ManagedListInputs list) {
        return byCustomer(list.msp(), new Inputs(list.assignments(), list.sources()));
    }

    private Map<UUID, Spend> byCustomer(UUID msp, Inputs inputs) {
        List<SourceState> stored = inputs.sources().stream().map(ingestion::find).flatMap(Optional::stream)
                .filter(s -> !s.periods().isEmpty()).toList();
        Optional<BillingPeriod> latest = stored.stream().flatMap(s -> s.periods().stream()).map(StoredPeriod::period)
                .max(Comparator.naturalOrder());
        if (latest.isEmpty()) {
            return Map.of();
        }
        BillingPeriod period = latest.get();
        Map<String, String> generations = new TreeMap<>();
        stored.forEach(s -> s.period(period).ifPresent(p -> generations.put(s.name(), p.generation())));
        SpendKey key = new SpendKey(msp, new ReportKey(period, Map.copyOf(generations)), inputs.assignments());
        Map<UUID, Spend> cached = spends.get(key);
        if (cached != null) {
            return cached;
        }
        // The assignments are read after their version: a change committed in between is in the figures kept under
        // the older version, which only a request that started before that change can still be given. A request
        // after it reads the new version, so a figure older than its version is never served.
        Map<UUID, Spend> result = addUp(msp, key.report());
        spends.put(key, result);
        return result;
    }

    /** The spend of one customer account, if it has any in the latest period. */
    public Optional<Spend> of(UUID msp, UUID customer) {
        return Optional.ofNullable(byCustomer(msp).get(customer));
    }

    private Inputs inputs(UUID msp) {
        return jdbc.sql(SQL.get("spend-inputs")).param("msp", msp).query((rs, n) -> {
            Array sources = rs.getArray("sources");
            try {
                return new Inputs(rs.getString("assignments"), List.of((String[]) sources.getArray()));
            } finally {
                sources.free();
            }
        }).single();
    }

    private Map<UUID, Spend> addUp(UUID msp, ReportKey key) {
        Map<String, UUID> owners = integrations.ownersIn(msp, key.period());
        if (key.generations().isEmpty() || owners.isEmpty()) {
            return Map.of();
        }
        Map<UUID, BigDecimal> sums = new HashMap<>();
        report(key).rows().forEach(row -> {
            UUID customer = owners.get(row.keys().get(0));
            if (customer != null) {
                sums.merge(customer, row.cost(), BigDecimal::add);
            }
        });
        Map<UUID, Spend> result = new HashMap<>();
        sums.forEach((customer, sum) -> result.put(customer, new Spend(key.period(), sum)));
        return Map.copyOf(result);
    }

    private CostReport report(ReportKey key) {
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

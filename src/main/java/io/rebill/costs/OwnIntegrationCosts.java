package io.rebill.costs;

import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The costs of an account's own integrations (issue 12 item 1: a customer's costs are what its MSP re-bills it "plus
 * the customer's own integrations' costs as they are"): the integrations the account set up itself, whose lines its
 * MSP never bills, summed from their stored line items on the effective (amortised) basis, the basis the Sources
 * page opens with, exactly as the provider reports them: no rule of the MSP touches them.
 *
 * <p>Only integrations whose account is the one asked for are read ({@link Integrations#of}), so a customer never sees
 * another account's source and the MSP's integrations (billed through bill runs) are never counted twice. The sum per
 * source is cached like {@link TrackedSpend}: the key is the source, the period and its stored generation, which an
 * ingest replaces and never reuses (docs/ingestion.md), so a request never re-sums unchanged lines and never serves
 * lines that are no longer stored.
 */
public final class OwnIntegrationCosts {
    /** One integration's cost in the period; {@code currency} is the provider's billing currency. */
    public record Source(String integration, String provider, BigDecimal cost, String currency) {
    }

    /** One service of the provider, summed over the account's own integrations in one currency. */
    public record Service(String name, BigDecimal cost, String currency) {
    }

    /** The account's own integrations' costs in {@code period}, the latest billing period any of them holds. */
    public record Figures(BillingPeriod period, List<Source> sources, List<Service> services) {
        public Figures {
            sources = List.copyOf(sources);
            services = List.copyOf(services);
        }

        /** The total per billing currency (a provider may bill in another currency than the MSP), ordered by code. */
        public Map<String, BigDecimal> totals() {
            Map<String, BigDecimal> totals = new TreeMap<>();
            sources.forEach(s -> totals.merge(s.currency(), s.cost(), BigDecimal::add));
            return totals;
        }
    }

    private record Key(String source, BillingPeriod period, String generation) {
    }

    private static final int CACHED_REPORTS = 256;
    private static final List<CostDimension> BY_SERVICE = List.of(CostDimension.parse("service_name"),
            CostDimension.parse("billing_currency"));

    private final Integrations integrations;
    private final Ingestion ingestion;
    private final CostQuery costs;
    private final Map<Key, CostReport> reports = io.rebill.shared.cache.Lru.of(CACHED_REPORTS);

    public OwnIntegrationCosts(Integrations integrations, Ingestion ingestion, CostQuery costs) {
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.costs = costs;
    }

    /**
     * The own integrations' costs of {@code account} in {@code preferred} (the month the home shows re-billed figures
     * for) when one of them holds it, else in the latest period they hold; empty when none holds lines.
     */
    public Optional<Figures> of(UUID account, Optional<BillingPeriod> preferred) {
        Map<Integration, SourceState> stored = new LinkedHashMap<>();
        integrations.of(account).forEach(i -> ingestion.find(i.sourceName()).filter(s -> !s.periods().isEmpty())
                .ifPresent(s -> stored.put(i, s)));
        List<BillingPeriod> held = stored.values().stream().flatMap(s -> s.periods().stream())
                .map(StoredPeriod::period).toList();
        Optional<BillingPeriod> latest = preferred.filter(held::contains)
                .or(() -> held.stream().max(Comparator.naturalOrder()));
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        BillingPeriod period = latest.get();
        List<Source> sources = new ArrayList<>();
        Map<List<String>, BigDecimal> services = new LinkedHashMap<>();
        stored.forEach((integration, state) -> state.period(period).ifPresent(p -> {
            CostReport report = report(new Key(state.name(), period, p.generation()));
            Map<String, BigDecimal> byCurrency = new TreeMap<>();
            for (CostRow row : report.rows()) {
                String currency = Optional.ofNullable(row.keys().get(1)).orElse("USD");
                byCurrency.merge(currency, row.cost(), BigDecimal::add);
                services.merge(List.of(Optional.ofNullable(row.keys().get(0)).orElse("(no service)"), currency),
                        row.cost(), BigDecimal::add);
            }
            byCurrency.forEach((currency, cost) -> sources.add(new Source(integration.name(), integration.provider(),
                    cost, currency)));
        }));
        List<Service> byService = new ArrayList<>(services.entrySet().stream()
                .map(e -> new Service(e.getKey().get(0), e.getValue(), e.getKey().get(1))).toList());
        byService.sort(Comparator.comparing(Service::cost).reversed().thenComparing(Service::name));
        return Optional.of(new Figures(period, sources, byService));
    }

    private CostReport report(Key key) {
        CostReport cached = reports.get(key);
        if (cached != null) {
            return cached;
        }
        CostReport report = costs.run(new CostRequest(List.of(key.source()), key.period(), BY_SERVICE,
                CostBasis.EFFECTIVE));
        reports.put(key, report);
        return report;
    }
}

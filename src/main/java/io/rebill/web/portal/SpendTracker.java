package io.rebill.web.portal;

import io.rebill.costs.CostDimension;
import io.rebill.costs.CostQuery;
import io.rebill.costs.CostReport;
import io.rebill.costs.CostRequest;
import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;
import org.springframework.stereotype.Component;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * "Tracked spend" of the Managed Accounts list: per customer account, the effective (amortised) cost of its linked
 * accounts in the latest billing period the MSP's integrations hold, before the MSP's billing rules.
 */
@Component
class SpendTracker {
    record Spend(String period, BigDecimal amount) {
    }

    private final Integrations integrations;
    private final Ingestion ingestion;
    private final CostQuery costs;

    SpendTracker(Integrations integrations, Ingestion ingestion, CostQuery costs) {
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.costs = costs;
    }

    Map<UUID, Spend> byCustomer(UUID msp) {
        List<Integration> own = integrations.of(msp);
        Map<String, SourceState> sources = new HashMap<>();
        ingestion.sources().forEach(s -> sources.put(s.name(), s));
        List<SourceState> stored = own.stream().map(i -> sources.get(i.sourceName())).filter(s -> s != null)
                .filter(s -> !s.periods().isEmpty()).toList();
        Optional<BillingPeriod> latest = stored.stream().flatMap(s -> s.periods().stream()).map(StoredPeriod::period)
                .max(Comparator.naturalOrder());
        if (latest.isEmpty()) {
            return Map.of();
        }
        BillingPeriod period = latest.get();
        List<String> withPeriod = stored.stream().filter(s -> s.period(period).isPresent()).map(SourceState::name).toList();
        Map<String, UUID> owners = integrations.ownersIn(msp, period);
        Map<UUID, BigDecimal> sums = new HashMap<>();
        if (!withPeriod.isEmpty() && !owners.isEmpty()) {
            CostReport report = costs.run(new CostRequest(withPeriod, period,
                    List.of(CostDimension.parse("sub_account_id")), CostBasis.EFFECTIVE));
            report.rows().forEach(row -> {
                UUID customer = owners.get(row.keys().get(0));
                if (customer != null) {
                    sums.merge(customer, row.cost(), BigDecimal::add);
                }
            });
        }
        Map<UUID, Spend> result = new HashMap<>();
        sums.forEach((customer, sum) -> result.put(customer, new Spend(period.toString(), sum)));
        return result;
    }
}

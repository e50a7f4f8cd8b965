package io.rebill.invoicing;

import io.rebill.costs.CostGroup;
import io.rebill.costs.CostViewer;
import io.rebill.costs.DailyCosts;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The margin per service (charge minus cost) of a successful run's customers, largest first, for the Billing page's
 * chart ({@link BillRuns#marginByService}): from the daily aggregate that run wrote, summed once per run (about 15,000
 * rows a month at 200 customers; every Billing page view summed them). A run's daily aggregate never changes once
 * written (its own rows), so its sums are kept by run. Accounts nobody claims are not a customer's margin and are
 * left out, as they are from the margin by customer.
 */
final class ServiceMargins {
    private final DailyCosts daily;
    private final Map<UUID, Map<String, BigDecimal>> ofRun = io.rebill.shared.cache.Lru.of(256);

    ServiceMargins(DailyCosts daily) {
        this.daily = daily;
    }

    /** At most {@code top} services of the MSP's run {@code run} of {@code period}. */
    Map<String, BigDecimal> of(UUID msp, UUID run, BillingPeriod period, int top) {
        Map<String, BigDecimal> all = ofRun.computeIfAbsent(run, r -> {
            Map<String, BigDecimal> sums = new HashMap<>();
            daily.figures(new CostViewer.Msp(msp), period, List.of(CostGroup.SERVICE, CostGroup.KIND)).rows().stream()
                    .filter(row -> !"unassigned".equals(row.keys().get(1)))
                    .forEach(row -> sums.merge(Optional.ofNullable(row.keys().get(0)).orElse("Other"),
                            row.margin().orElse(BigDecimal.ZERO), BigDecimal::add));
            Map<String, BigDecimal> sorted = new LinkedHashMap<>();
            sums.entrySet().stream().sorted(Map.Entry.<String, BigDecimal>comparingByValue().reversed()
                    .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
            return Collections.unmodifiableMap(sorted);
        });
        Map<String, BigDecimal> first = new LinkedHashMap<>();
        all.entrySet().stream().limit(top).forEach(e -> first.put(e.getKey(), e.getValue()));
        return first;
    }
}

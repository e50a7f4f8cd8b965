package io.rebill.web.costs;

import io.rebill.costs.CostFigures;
import io.rebill.costs.CostGroup;
import io.rebill.costs.CostViewer;
import io.rebill.costs.DailyCosts;
import io.rebill.identity.Actor;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an account sees of its re-billed costs (issue 12), from the daily aggregates the latest successful bill run
 * of each period wrote, never from the line items. A customer account (its users, and the MSP's staff inside it as
 * Manager User) reads its own charge; the MSP (Owner, Integration Owner) reads charge, cost and margin of every
 * customer and the unassigned cost. Amounts are exact decimals as strings.
 */
@RestController
@RequestMapping("/api/v1")
class CostsApi {
    private final DailyCosts costs;

    CostsApi(DailyCosts costs) {
        this.costs = costs;
    }

    record CostsJson(Optional<String> period, List<String> periods, Optional<String> currency, List<String> groupBy,
                     List<Map<String, String>> rows, Map<String, String> total) {
    }

    @GetMapping("/costs")
    CostsJson costs(Actor actor, @RequestParam Optional<String> period,
                    @RequestParam(name = "group_by", defaultValue = "service") String groupBy) {
        CostViewer viewer = DailyCosts.viewerOf(actor);
        List<CostGroup> groups = groupBy.isBlank() ? List.of()
                : Arrays.stream(groupBy.split(",")).map(CostGroup::parse).distinct().toList();
        List<BillingPeriod> periods = costs.periods(viewer);
        Optional<BillingPeriod> p = period.map(BillingPeriod::parse).or(() -> periods.stream().findFirst());
        List<String> groupNames = groups.stream().map(CostGroup::key).toList();
        if (p.isEmpty()) {
            // a customer asking for group_by=customer gets 400 whether or not it has figures
            DailyCosts.checkGroups(viewer, groups);
            return new CostsJson(Optional.empty(), List.of(), Optional.empty(), groupNames, List.of(), Map.of());
        }
        CostFigures figures = costs.figures(viewer, p.get(), groups);
        List<Map<String, String>> rows = figures.rows().stream().map(r -> {
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < groups.size(); i++) {
                row.put(groupNames.get(i), r.keys().get(i));
            }
            amounts(row, r.charge(), r.cost());
            return row;
        }).toList();
        Map<String, String> total = new LinkedHashMap<>();
        amounts(total, figures.totalCharge(), figures.totalCost());
        return new CostsJson(p.map(BillingPeriod::toString), periods.stream().map(BillingPeriod::toString).toList(),
                figures.rows().stream().findFirst().map(CostFigures.Row::currency), groupNames, rows, total);
    }

    /** charge always; cost and margin only when the viewer is the MSP (a customer's figures never carry them). */
    private static void amounts(Map<String, String> into, java.math.BigDecimal charge,
                                Optional<java.math.BigDecimal> cost) {
        into.put("charge", charge.toPlainString());
        cost.ifPresent(c -> {
            into.put("cost", c.toPlainString());
            into.put("margin", charge.subtract(c).toPlainString());
        });
    }
}

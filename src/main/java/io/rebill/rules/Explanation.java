package io.rebill.rules;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * Why a line costs what it does (spec §3 lineage): its customer, its cost on the workflow's basis, each rule that
 * touched it with the amount before and after, and its final charge.
 */
public record Explanation(String lineId, Optional<String> customerId, Optional<String> workflowId, String subAccountId,
                          String serviceName, String chargeType, BigDecimal cost, Optional<BigDecimal> charge,
                          boolean excluded, List<Step> steps, List<String> claimedBy) {
    public Explanation {
        steps = List.copyOf(steps);
        claimedBy = List.copyOf(claimedBy);
    }

    public record Step(String ruleId, String title, BigDecimal before, BigDecimal after) {
    }
}

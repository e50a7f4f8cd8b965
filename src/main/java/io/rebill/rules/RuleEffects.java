package io.rebill.rules;

import java.math.BigDecimal;
import java.util.List;

/**
 * How a customer's workflow changed its bill for a period (the drill-down behind a draft): per rule, how many of
 * the customer's lines it changed and their charge before and after it, the charges and credits it added, and the
 * lines whose charge moved most with the rules that touched them (each line's lineage, as `rebill explain` tells it).
 * The MSP's view only: it shows costs and exclusions.
 */
public record RuleEffects(String customerId, BigDecimal cost, BigDecimal charge, List<Rule> rules, List<Line> lines) {
    public RuleEffects {
        rules = List.copyOf(rules);
        lines = List.copyOf(lines);
    }

    /** A rule's effect: on {@code lines} lines (0 for an added charge or credit), the charge before and after it. */
    public record Rule(String id, String title, long lines, BigDecimal before, BigDecimal after) {
        public BigDecimal change() {
            return after.subtract(before);
        }
    }

    public record Line(String lineId, String service, String chargeType, BigDecimal cost, BigDecimal charge,
                       boolean excluded, List<String> rules) {
        public Line {
            rules = List.copyOf(rules);
        }
    }
}

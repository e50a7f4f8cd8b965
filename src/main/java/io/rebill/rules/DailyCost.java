package io.rebill.rules;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One row of a bill's daily aggregate (issue 12): per customer, day (UTC, from charge_period_start), service,
 * service category, charge type, region and usage account, the MSP's cost before rules and the customer's charge
 * after them, both exact. Reports read these rows, never the line items.
 *
 * @param customerId the customer in the configuration; null only for {@link Kind#UNASSIGNED}
 * @param cost       the MSP's cost on the workflow's basis (0 for charges and credits, which cost the MSP nothing)
 * @param charge     what the customer is billed (0 for excluded and unassigned lines; negative for a credit)
 */
public record DailyCost(String customerId, LocalDate day, Kind kind, String service, String serviceCategory,
                        String chargeType, String region, String subAccountId, String currency, BigDecimal cost,
                        BigDecimal charge) {
    /** What a row stands for; only USAGE, CHARGE and CREDIT rows are ever shown to a customer. */
    public enum Kind {
        /** Lines the customer is billed for, after its workflow's rules (adjusted amounts as if native). */
        USAGE,
        /** Lines an exclusion removed: the MSP's cost, never shown to the customer. */
        EXCLUDED,
        /** A charge rule's added line, as a row of its own service / category on the period's first day. */
        CHARGE,
        /** A credit rule's added line (negative charge), as a charge. */
        CREDIT,
        /** Lines no customer claims: the MSP's cost, never billed. */
        UNASSIGNED;

        /** Whether the customer sees the row (spec §3: exclusions invisible; unassigned lines are nobody's). */
        public boolean customerVisible() {
            return switch (this) {
                case USAGE, CHARGE, CREDIT -> true;
                case EXCLUDED, UNASSIGNED -> false;
            };
        }
    }

    public DailyCost {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(charge, "charge");
        if ((customerId == null) != (kind == Kind.UNASSIGNED)) {
            throw new IllegalArgumentException("a " + kind + " row " + (customerId == null ? "needs" : "has no") + " customer");
        }
    }
}

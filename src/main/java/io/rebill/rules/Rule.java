package io.rebill.rules;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A billing rule of spec §3. The set of kinds is closed: a switch over {@code Rule} without {@code default} fails
 * to compile when a kind is added, so the SQL compiler and the reference evaluator cannot forget one.
 */
public sealed interface Rule {
    String id();

    String title();

    Scope scope();

    /** Whether the customer sees this rule's effect as its own invoice line (charges and credits only). */
    default boolean visibleToCustomer() {
        return this instanceof AddedLine;
    }

    /** Lines in scope are removed: charge 0, not shown. */
    record Exclusion(String id, String title, Scope scope) implements Rule {
        public Exclusion {
            RuleChecks.common(id, title, scope);
        }
    }

    /** charge = charge x percentage / 100 (75.0: the customer sees 75 %). */
    record Adjustment(String id, String title, Scope scope, BigDecimal percentage) implements Rule {
        public Adjustment {
            RuleChecks.common(id, title, scope);
            RuleChecks.notNegative(id, "percentage", percentage);
        }
    }

    /** charge x (1 + percent / 100); default scope leaves out Tax. */
    record Uplift(String id, String title, Scope scope, BigDecimal percent) implements Rule {
        public Uplift {
            RuleChecks.common(id, title, scope);
            RuleChecks.notNegative(id, "percent", percent);
        }
    }

    /** charge x (1 - percent / 100); default scope leaves out Tax. */
    record Discount(String id, String title, Scope scope, BigDecimal percent) implements Rule {
        public Discount {
            RuleChecks.common(id, title, scope);
            RuleChecks.notNegative(id, "percent", percent);
            if (percent.compareTo(BigDecimal.valueOf(100)) > 0) {
                throw new IllegalArgumentException("rule " + id + ": a discount of more than 100 % is a credit");
            }
        }
    }

    /**
     * RI-covered usage of reservations bought by these accounts (empty: any) is charged at list_cost; their RI fee
     * rows (RIFee, Fee) in the customer's accounts are charged 0.
     */
    record ReplaceRiDiscount(String id, String title, Scope scope, List<String> purchasedBy) implements Rule {
        public ReplaceRiDiscount {
            RuleChecks.common(id, title, scope);
            purchasedBy = List.copyOf(purchasedBy);
        }
    }

    /** Savings-Plan-covered usage at list_cost; SavingsPlanNegation and the plans' fee rows 0. */
    record ReplaceSpDiscount(String id, String title, Scope scope, List<String> purchasedBy) implements Rule {
        public ReplaceSpDiscount {
            RuleChecks.common(id, title, scope);
            purchasedBy = List.copyOf(purchasedBy);
        }
    }

    /** Usage lines with list_cost > 0 are charged list_cost. */
    record RerateToList(String id, String title, Scope scope) implements Rule {
        public RerateToList {
            RuleChecks.common(id, title, scope);
        }
    }

    /**
     * Free-tier usage (cost 0 that no commitment covers, where a paid rate exists; spec §3: RI- or Savings-Plan-
     * covered usage such as CUR DiscountedUsage is not free tier) is charged quantity x the first paid rate of its SKU: from
     * the price list when given, else the line's public on-demand rate, else the highest positive rate seen for the
     * SKU in the period.
     */
    record RemoveFreeTier(String id, String title, Scope scope, java.util.Map<String, BigDecimal> priceList)
            implements Rule {
        public RemoveFreeTier {
            RuleChecks.common(id, title, scope);
            priceList = java.util.Map.copyOf(priceList);
        }
    }

    /** A rule that adds its own invoice line per customer (a charge or a credit) instead of changing lines. */
    sealed interface AddedLine extends Rule {
        Amount amount();

        Frequency frequency();

        InvoiceLabel label();

        /** Credits are negative on the invoice. */
        default boolean isCredit() {
            return this instanceof Credit;
        }
    }

    /** Adds one line per customer and period: a fixed amount, or a percentage of the subtotal at its position. */
    record Charge(String id, String title, Scope scope, Amount amount, Frequency frequency, InvoiceLabel label)
            implements AddedLine {
        public Charge {
            RuleChecks.common(id, title, scope);
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(frequency, "frequency");
            Objects.requireNonNull(label, "label");
        }
    }

    /** As {@link Charge}, negative on the invoice. */
    record Credit(String id, String title, Scope scope, Amount amount, Frequency frequency, InvoiceLabel label)
            implements AddedLine {
        public Credit {
            RuleChecks.common(id, title, scope);
            Objects.requireNonNull(amount, "amount");
            Objects.requireNonNull(frequency, "frequency");
            Objects.requireNonNull(label, "label");
        }
    }

    enum Frequency { MONTHLY, ONE_TIME }

    /** How a charge or credit is labelled on the invoice (the seed's service / category / sub category). */
    record InvoiceLabel(String service, Optional<String> category, Optional<String> subCategory) {
        public InvoiceLabel {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(category, "category");
            Objects.requireNonNull(subCategory, "subCategory");
        }
    }

    /** A fixed amount, or a percentage of the customer's charge subtotal with an optional minimum. */
    sealed interface Amount {
        record Fixed(BigDecimal value) implements Amount {
            public Fixed {
                Objects.requireNonNull(value, "value");
                if (value.signum() < 0) {
                    throw new IllegalArgumentException("amount must not be negative (a credit is its own kind): " + value);
                }
            }
        }

        record PercentOfSubtotal(BigDecimal percent, Optional<BigDecimal> minimum) implements Amount {
            public PercentOfSubtotal {
                Objects.requireNonNull(percent, "percent");
                Objects.requireNonNull(minimum, "minimum");
            }
        }
    }
}

package io.rebill.billingconfig;

import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * A dry run: the period billed as stored and as the change would have it. Per customer, cost (before rules), charge
 * (after them, with added charges and credits) and the MSP's margin, before and after; and the lines whose charge
 * moved most. Nothing is saved.
 */
public record BillingPreview(BillingPeriod period, List<Customer> customers, List<Line> lines) {
    public BillingPreview {
        customers = List.copyOf(customers);
        lines = List.copyOf(lines);
    }

    public record Customer(String key, String name, BigDecimal costBefore, BigDecimal costAfter,
                           BigDecimal chargeBefore, BigDecimal chargeAfter) {
        public BigDecimal marginBefore() {
            return chargeBefore.subtract(costBefore);
        }

        public BigDecimal marginAfter() {
            return chargeAfter.subtract(costAfter);
        }

        public BigDecimal chargeDelta() {
            return chargeAfter.subtract(chargeBefore);
        }
    }

    /** A line whose charge moved; an empty customer: nobody billed it in that run. */
    public record Line(String lineId, Optional<String> customerBefore, Optional<String> customerAfter,
                       String serviceName, String chargeType, Optional<BigDecimal> chargeBefore,
                       Optional<BigDecimal> chargeAfter, BigDecimal delta) {
    }
}

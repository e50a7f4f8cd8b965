package io.rebill.rules;

import java.math.BigDecimal;
import java.util.List;

/** A dry run: how one configuration's bill differs from another's for the same period and lines. */
public record BillDiff(BillResult before, BillResult after, List<CustomerChange> customers, List<LineChange> topLines) {
    public BillDiff {
        customers = List.copyOf(customers);
        topLines = List.copyOf(topLines);
    }

    public record CustomerChange(String customerId, BigDecimal costBefore, BigDecimal costAfter, BigDecimal chargeBefore,
                                 BigDecimal chargeAfter) {
        public BigDecimal chargeDelta() {
            return chargeAfter.subtract(chargeBefore);
        }

        public BigDecimal marginBefore() {
            return chargeBefore.subtract(costBefore);
        }

        public BigDecimal marginAfter() {
            return chargeAfter.subtract(costAfter);
        }
    }

    /** A line whose charge moved; a null customer means the line was unassigned in that run. */
    public record LineChange(String lineId, String customerBefore, String customerAfter, String serviceName,
                             String chargeType, BigDecimal chargeBefore, BigDecimal chargeAfter) {
        public BigDecimal delta() {
            BigDecimal a = chargeAfter == null ? BigDecimal.ZERO : chargeAfter;
            BigDecimal b = chargeBefore == null ? BigDecimal.ZERO : chargeBefore;
            return a.subtract(b);
        }
    }
}

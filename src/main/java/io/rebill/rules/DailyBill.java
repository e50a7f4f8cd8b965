package io.rebill.rules;

import java.util.List;

/** A bill and its daily aggregate: the rows per customer and day that reports read (issue 12). */
public record DailyBill(BillResult result, List<DailyCost> daily) {
    public DailyBill {
        daily = List.copyOf(daily);
    }
}

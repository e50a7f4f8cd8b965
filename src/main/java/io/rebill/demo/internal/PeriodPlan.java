package io.rebill.demo.internal;

import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers of lines.sql for one billing period. Fixed lines (see lines.sql) are laid out by rank: RIFee per
 * reservation, upfront fees of the commitments bought this month (each commitment renews in one month of the
 * year), credits for a quarter of the customers, two refunds, tax per account, then an hourly recurring fee per
 * Savings Plan. Ranks beyond what fits into a tenth of the rows are simply not written.
 */
record PeriodPlan(YearMonth month, Map<String, Long> numbers) {

    static PeriodPlan of(RunPlan run, Dimensions dims, YearMonth month, long seed) {
        int monthIndex = month.getYear() * 12 + month.getMonthValue() - 1;
        long hours = month.lengthOfMonth() * 24L;
        long rifeeEnd = run.riCount();
        long feeEnd = rifeeEnd + ceilDiv(run.riCount(), 12);
        long spUpfrontEnd = feeEnd + ceilDiv(run.spCount(), 12);
        long creditEnd = spUpfrontEnd + ceilDiv(run.customers(), 4);
        long refundEnd = creditEnd + 2;
        long taxEnd = refundEnd + run.accounts();
        long fixedLines = taxEnd + run.spCount() * hours;

        Map<String, Long> m = new LinkedHashMap<>();
        m.put("rows", run.rows());
        m.put("year", (long) month.getYear());
        m.put("month", (long) month.getMonthValue());
        m.put("hours", hours);
        m.put("fixed_lines", fixedLines);
        m.put("fixed_modulus", Math.max(run.rows(), 10 * fixedLines));
        m.put("rifee_end", rifeeEnd);
        m.put("fee_end", feeEnd);
        m.put("sp_upfront_end", spUpfrontEnd);
        m.put("credit_end", creditEnd);
        m.put("refund_end", refundEnd);
        m.put("tax_end", taxEnd);
        // commitment j is bought (pays its upfront fee) in the months where (monthIndex + j) % 12 == 0
        m.put("ri_phase", (long) Math.floorMod(-monthIndex, 12));
        m.put("sp_phase", (long) Math.floorMod(-monthIndex - 5, 12));
        m.put("credit_phase", (long) Math.floorMod(monthIndex, 4));
        m.put("ri_count", (long) run.riCount());
        m.put("sp_count", (long) run.spCount());
        m.put("accounts", (long) run.accounts());
        m.put("customers", (long) run.customers());
        m.put("payer", run.payer());
        m.put("tax_scale", run.taxScale());
        m.put("credit_scale", run.creditScale());
        m.put("refund_scale", run.refundScale());
        m.put("resource_key", run.resourceKey());
        m.put("resource_key2", run.resourceKey2());
        m.put("pair_key", Keys.period(seed, monthIndex, 0));
        for (int k = 1; k <= 5; k++) {
            m.put("key" + k, Keys.period(seed, monthIndex, k));
        }
        dims.putInto(m);
        return new PeriodPlan(month, Map.copyOf(m));
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}

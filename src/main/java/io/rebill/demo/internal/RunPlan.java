package io.rebill.demo.internal;

import io.rebill.demo.GeneratorSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers that hold for every period of one generation: sizes of the commitment inventory and the scales
 * that keep monthly amounts (RI units, Savings Plan commitments, tax, credits) in proportion to the usage volume.
 * Derived from the spec alone, so they never change between runs.
 */
record RunPlan(long rows, int accounts, int customers, long payer, int riCount, int spCount, long riUnitScale,
               long spScale, long taxScale, long creditScale, long refundScale, long entityKey, long resourceKey,
               long resourceKey2) {
    private static final long AVERAGE_HOURS = 730;

    static RunPlan of(GeneratorSpec spec) {
        long n = spec.rowsPerPeriod();
        int accounts = spec.linkedAccounts();
        int customers = spec.customers();
        int riCount = clamp(2L * customers, 12, 400);
        int spCount = clamp(customers, 12, 200);
        // About 10 % of rows are RI-covered hours and 7.5 % SP-covered usage; size the commitments and the monthly
        // amounts to match. The caps keep every single amount below 10^8 (money is DECIMAL(18,10), see setup.sql).
        long riUnitScale = cap(n / 10 / (riCount * AVERAGE_HOURS), 5_000);
        long spScale = cap(n / (spCount * 100_000L), 10_000);
        long taxScale = cap(n / (accounts * 75L), 1_000_000);
        long creditScale = cap(n / (customers * 100L), 1_000_000);
        long refundScale = cap(n / 100_000L, 1_000_000);
        long seed = spec.seed();
        return new RunPlan(n, accounts, customers, Long.parseLong(spec.payerAccountId()), riCount, spCount,
                riUnitScale, spScale, taxScale, creditScale, refundScale,
                Keys.entity(seed, 1), Keys.entity(seed, 2), Keys.entity(seed, 3));
    }

    /** Placeholders of setup.sql. */
    Map<String, Long> setupNumbers() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("entity_key", entityKey);
        m.put("payer", payer);
        m.put("accounts", (long) accounts);
        m.put("customers", (long) customers);
        m.put("ri_count", (long) riCount);
        m.put("sp_count", (long) spCount);
        m.put("ri_unit_scale", riUnitScale);
        m.put("sp_scale", spScale);
        return m;
    }

    private static long cap(long value, long max) {
        return Math.max(1, Math.min(max, value));
    }

    private static int clamp(long value, int min, int max) {
        return (int) Math.max(min, Math.min(max, value));
    }
}

package io.rebill.rules;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What a figures-only rebuild of a bill run's folder installed ({@link Billing#rebuildFigures}): the daily and tag
 * aggregates' rows, whether the run's re-billed lines were kept too (its folder had none), and each phase's time.
 */
public record RebuiltFigures(long dailyRows, long tagRows, boolean linesKept, Map<String, Long> phaseMillis) {
    public RebuiltFigures {
        phaseMillis = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phaseMillis));
    }

    /**
     * Decides, before anything is installed, whether the rebuilt files may replace the missing ones: it sees the
     * bill, the written daily aggregate's charge per customer (usage, charges and credits) and the staged daily
     * aggregate itself ({@link RunFiles#DAILY}, gone once the rebuild returns), and throws to refuse.
     */
    @FunctionalInterface
    public interface Check {
        void check(BillResult bill, Map<String, BigDecimal> dailyChargeByCustomer, java.nio.file.Path stagedDaily);
    }
}

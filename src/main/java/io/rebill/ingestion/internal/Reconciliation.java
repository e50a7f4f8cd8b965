package io.rebill.ingestion.internal;

import io.rebill.ingestion.CostSums;
import io.rebill.ingestion.ReconciliationReport;
import io.rebill.shared.time.BillingPeriod;

import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

final class Reconciliation {
    private Reconciliation() {
    }

    static ReconciliationReport compare(String source, Map<BillingPeriod, CostSums> input,
                                        Map<BillingPeriod, CostSums> stored) {
        ReconciliationReport report = new ReconciliationReport(source, java.util.List.of());
        TreeSet<BillingPeriod> periods = new TreeSet<>(input.keySet());
        periods.addAll(stored.keySet());
        for (BillingPeriod p : periods) {
            report = report.plus(ReconciliationReport.compare(source, p,
                    input.getOrDefault(p, CostSums.ZERO), stored.getOrDefault(p, CostSums.ZERO)));
        }
        return report;
    }

    static String describeFailures(ReconciliationReport report) {
        return report.lines().stream().filter(l -> !l.holds())
                .map(l -> l.period() + " " + l.column() + ": input " + l.input().toPlainString() + ", stored "
                        + l.stored().toPlainString())
                .collect(Collectors.joining("; "));
    }
}

package io.rebill.ingestion.internal;

import io.rebill.ingestion.CostSums;
import io.rebill.ingestion.InputFile;
import io.rebill.ingestion.ReconciliationReport;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Re-checks stored periods against the provider files that produced them (the `reconcile` command). */
public final class Reconciler {
    private final RebillSettings settings;
    private final SourceStore store;

    public Reconciler(RebillSettings settings, SourceStore store) {
        this.settings = settings;
        this.store = store;
    }

    public ReconciliationReport reconcile(String source, Optional<BillingPeriod> only) {
        SourceState state = store.get(source);
        List<StoredPeriod> periods = state.periods().stream()
                .filter(p -> only.isEmpty() || p.period().equals(only.get())).toList();
        if (only.isPresent() && periods.isEmpty()) {
            throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "source '" + source + "' has no billing period "
                    + only.get() + "; stored: " + state.periods().stream().map(p -> p.period().toString()).toList());
        }
        ReconciliationReport report = new ReconciliationReport(source, List.of());
        try (Connection duck = DuckDb.open(settings)) {
            Sql.prepare(duck);
            Map<String, Map<BillingPeriod, CostSums>> scanned = new HashMap<>();
            for (StoredPeriod period : periods) {
                CostSums input = CostSums.ZERO;
                for (InputFile f : period.inputs()) {
                    Map<BillingPeriod, CostSums> sums = scanned.computeIfAbsent(f.sha256(), k -> scan(duck, f));
                    input = input.plus(sums.getOrDefault(period.period(), CostSums.ZERO));
                }
                CostSums stored = StagedSums.of(duck, store.files(source, period.period()))
                        .getOrDefault(period.period(), CostSums.ZERO);
                report = report.plus(ReconciliationReport.compare(source, period.period(), input, stored));
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + FileSniffer.firstLine(e.getMessage()), e);
        }
        return report;
    }

    private static Map<BillingPeriod, CostSums> scan(Connection duck, InputFile f) {
        Path path = Path.of(f.path());
        if (!Files.isRegularFile(path)) {
            throw new RebillException(ErrorCode.FILE_NOT_FOUND, f.path() + ": the input file of this period is no"
                    + " longer there; reconciliation needs the provider's files (ingest them again from their new place)");
        }
        InputFile now = Fingerprints.of(path);
        if (!now.sha256().equals(f.sha256())) {
            throw new RebillException(ErrorCode.RECONCILIATION_FAILED, f.path() + ": the file changed since it was"
                    + " ingested (sha256 " + f.sha256() + ", now " + now.sha256() + "); ingest it again");
        }
        return InputSums.of(duck, FileSniffer.sniff(path, duck));
    }
}

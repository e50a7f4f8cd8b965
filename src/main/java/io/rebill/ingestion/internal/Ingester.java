package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.ingestion.CostSums;
import io.rebill.ingestion.IngestProgress;
import io.rebill.ingestion.IngestResult;
import io.rebill.ingestion.InputFile;
import io.rebill.ingestion.LocalFolder;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.ReconciliationReport;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredLines;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;
import io.rebill.shared.time.BillingPeriod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One ingest of billing files into a source: read each file once with DuckDB straight into Parquet per billing
 * period (staging), with the input side of reconciliation computed in the same read for text files (MappingQuery)
 * and in a narrow separate scan for Parquet (InputSums), reconcile the staged sums against it, then swap the periods
 * in atomically. Any failure leaves the stored periods as they were and puts the source in status ERROR.
 */
public final class Ingester {
    private static final Logger log = LoggerFactory.getLogger(Ingester.class);

    private final RebillSettings settings;
    private final SourceStore store;

    public Ingester(RebillSettings settings, SourceStore store) {
        this.settings = settings;
        this.store = store;
    }

    /** Ingests the given paths, or the source's configured folder when none are given. */
    public IngestResult ingest(String source, List<Path> paths, ProgressListener progress) {
        SourceStore.checkName(source);
        if (paths.isEmpty()) {
            String folder = store.find(source).map(SourceState::folder).orElse(null);
            if (folder == null) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "source '" + source + "' has no folder configured;"
                        + " name files to ingest or configure one: rebill source add " + source + " --folder DIR");
            }
            paths = new LocalFolder(Path.of(folder)).fetch(settings.tempDir());
        }
        Instant started = Instant.now();
        try (SourceStore.Lock ignored = store.lock(source)) {
            SourceState before = store.getOrNew(source);
            try {
                return run(source, before, paths, progress, started);
            } catch (RebillException e) {
                log.info("ingest of source {} rejected: {}", source, e.getMessage());
                store.commit(before.failed(e.getMessage()));
                throw e;
            }
        }
    }

    private IngestResult run(String source, SourceState before, List<Path> paths, ProgressListener progress,
                             Instant started) {
        InputCollector.Collected collected = InputCollector.collect(paths);
        Path staging = store.dir(source).resolve("staging-" + UUID.randomUUID());
        try (Fingerprints.Pending fingerprints = Fingerprints.start(collected.files(), before.periods())) {
            if (fingerprints.ready()) {
                List<InputFile> inputs = fingerprints.get();
                List<StoredPeriod> same = unchangedPeriods(before, inputs);
                if (!same.isEmpty()) {
                    store.commit(before.stable(before.periods()));
                    return new IngestResult(source, same.stream().map(StoredPeriod::period).toList(),
                            same.stream().mapToLong(p -> p.sums().lineCount()).sum(),
                            inputs.stream().mapToLong(InputFile::bytes).sum(),
                            Duration.between(started, Instant.now()), true, collected.skipped(), null);
                }
            }
            return stageAndCommit(source, before, collected, fingerprints, staging, progress, started);
        } finally {
            Trees.delete(staging);
        }
    }

    private IngestResult stageAndCommit(String source, SourceState before, InputCollector.Collected collected,
                                        Fingerprints.Pending fingerprints, Path staging, ProgressListener progress,
                                        Instant started) {
        try (Connection duck = DuckDb.open(settings)) {
            Sql.prepare(duck);
            ProgressTracker tracker = new ProgressTracker(progress, collected.files().size(), started);
            List<SniffedFile> files = new ArrayList<>();
            for (Path p : collected.files()) {
                files.add(FileSniffer.sniff(p, duck));
            }
            Files.createDirectories(staging);
            Map<BillingPeriod, CostSums> stored = new TreeMap<>();
            Map<BillingPeriod, CostSums> input = new TreeMap<>();
            for (int i = 0; i < files.size(); i++) {
                Staged staged = stage(duck, files.get(i), staging, tracker, i);
                staged.stored().forEach((period, s) -> stored.merge(period, s, CostSums::plus));
                staged.input().forEach((period, s) -> input.merge(period, s, CostSums::plus));
            }
            tracker.phase("reconcile");
            ReconciliationReport report = Reconciliation.compare(source, input, stored);
            if (!report.holds()) {
                throw new RebillException(ErrorCode.RECONCILIATION_FAILED, "the stored sums differ from the input files'"
                        + " sums; nothing was replaced: " + Reconciliation.describeFailures(report));
            }
            List<InputFile> inputs = fingerprints.get();
            List<StoredPeriod> periods = commit(source, before, staging, inputs, stored);
            tracker.finish();
            return new IngestResult(source, periods.stream().map(StoredPeriod::period).toList(),
                    stored.values().stream().mapToLong(CostSums::lineCount).sum(),
                    inputs.stream().mapToLong(InputFile::bytes).sum(),
                    Duration.between(started, Instant.now()), false, collected.skipped(), report);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot create " + staging + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "DuckDB failed: " + FileSniffer.firstLine(e.getMessage()), e);
        }
    }

    /** The stored periods if exactly these files (by content) produced them, else empty. */
    private static List<StoredPeriod> unchangedPeriods(SourceState before, List<InputFile> inputs) {
        Set<String> given = new HashSet<>();
        inputs.forEach(f -> given.add(f.sha256()));
        List<StoredPeriod> touched = before.periods().stream()
                .filter(p -> p.inputs().stream().anyMatch(f -> given.contains(f.sha256())))
                .toList();
        Set<String> producedBy = new HashSet<>();
        touched.forEach(p -> p.inputs().forEach(f -> producedBy.add(f.sha256())));
        return !touched.isEmpty() && producedBy.equals(given) ? touched : List.of();
    }

    /**
     * Reads one file into staging/&lt;period&gt;/f&lt;index&gt;.parquet. DuckDB's PARTITION_BY buffers every partition in
     * memory, so the file is written once unpartitioned (streaming) and split by period afterwards only when it
     * spans several periods, which reads the compact Parquet rather than the provider file again. Returns the
     * staged lines' sums and the input's own sums per billing period, for reconciliation.
     */
    private Staged stage(Connection duck, SniffedFile file, Path staging, ProgressTracker tracker, int index)
            throws SQLException, IOException {
        String template = Sql.resource(file.format().canonicalSql());
        boolean inputSide = InputSums.inSameRead(file);
        Path whole = staging.resolve(stagedName(index));
        tracker.startFile(file, index);
        try {
            // costs at the fewest places that hold every value of the file: a scale a Parquet type rules out is
            // skipped, and a value that does not fit sends the file to the next scale (read again)
            List<Integer> scales = CanonicalColumn.STORED_MONEY_SCALES;
            for (int i = 0; i < scales.size(); i++) {
                int scale = scales.get(i);
                boolean last = i == scales.size() - 1;
                MappingQuery query = new MappingQuery(file, scale);
                String select = query.canonicalSelect(template, inputSide);
                if (!last && query.needsWideMoney()) {
                    continue;
                }
                try {
                    copy(duck, select, whole, tracker);
                    break;
                } catch (SQLException e) {
                    if (last || !FileErrors.needsWideMoney(e)) {
                        throw e;
                    }
                    log.info("{} has costs that do not fit {} ({}); reading it again at {} places", file.path().getFileName(),
                            CanonicalColumn.storedMoney(scale), FileErrors.moneyThatDoesNotFit(e), scales.get(i + 1));
                }
            }
        } catch (SQLException e) {
            throw FileErrors.explain(duck, file, e);
        }
        FileErrors.checkRejects(duck, file);
        // one scan of the staged file: its periods, rows, stored sums and (text inputs) the input side's sums
        StagedSums.Scan scan = StagedSums.scan(duck, whole, inputSide);
        List<String> periods = scan.periods();
        if (periods.contains(null)) {
            throw FileErrors.missingBillingPeriod(duck, file);
        }
        Map<BillingPeriod, CostSums> stored;
        if (periods.size() == 1) {
            // the scanned file is the one committed (moved, not rewritten)
            Path target = staging.resolve(periods.get(0)).resolve(whole.getFileName());
            Files.createDirectories(target.getParent());
            Files.move(whole, target);
            StagedSums.writeAccountSums(duck, target, null);
            stored = scan.stored();
        } else {
            List<Path> parts = new ArrayList<>();
            for (String period : periods) {
                Path target = staging.resolve(period).resolve(whole.getFileName());
                Files.createDirectories(target.getParent());
                try (PreparedStatement ps = duck.prepareStatement("COPY (SELECT * FROM read_parquet('"
                        + DuckDb.literal(whole.toString()) + "') WHERE billing_period = ?) TO '"
                        + DuckDb.literal(target.toString()) + "' (" + StoredLines.WRITE_OPTIONS + ")")) {
                    ps.setString(1, period);
                    ps.execute();
                }
                StagedSums.writeAccountSums(duck, target, period);
                parts.add(target);
            }
            Files.delete(whole);
            // the stored side from the files that are committed, so that the split is checked too
            stored = StagedSums.of(duck, parts);
        }
        tracker.endFile(file, scan.rows());
        return new Staged(stored, inputSide ? InputSums.of(file, scan) : InputSums.of(duck, file));
    }

    /** One staged input file's stored sums and its input's own sums, per billing period. */
    private record Staged(Map<BillingPeriod, CostSums> stored, Map<BillingPeriod, CostSums> input) {
    }

    /** The staged file of the index-th input, in the staging folder or in each period folder it was split into. */
    private static String stagedName(int index) {
        return "f" + index + ".parquet";
    }

    /**
     * Writes the mapped file to Parquet. Without keeping the input's order DuckDB encodes and compresses row groups
     * on every thread: a 10 M-line CUR 2.0 Parquet file stages in 12 s instead of 25 s, a CSV.gz in 36 s instead of
     * 39 s (docs/benchmarks.md). A stored file's line order, and with it the line ids (file and row), then follows
     * the threads for inputs of more than one row group; the ids stay fixed for as long as the period is stored.
     */
    private static void copy(Connection duck, String select, Path target, ProgressTracker tracker) throws SQLException {
        setInsertionOrder(duck, false);
        try (Statement s = duck.createStatement()) {
            tracker.during(s, () -> s.execute("COPY (" + select + ") TO '" + DuckDb.literal(target.toString())
                    + "' (" + StoredLines.WRITE_OPTIONS + ")"));
        } finally {
            // a statement that failed is closed by the driver: the setting goes back through one of its own
            setInsertionOrder(duck, true);
        }
    }

    private static void setInsertionOrder(Connection duck, boolean preserve) throws SQLException {
        try (Statement s = duck.createStatement()) {
            s.execute("SET preserve_insertion_order = " + preserve);
        }
    }

    private List<StoredPeriod> commit(String source, SourceState before, Path staging, List<InputFile> inputs,
                                      Map<BillingPeriod, CostSums> sums) {
        String generation = Instant.now().toString().replace(":", "").replace("-", "").replace(".", "")
                + "-" + UUID.randomUUID().toString().substring(0, 8);
        Map<BillingPeriod, StoredPeriod> periods = new LinkedHashMap<>();
        before.periods().forEach(p -> periods.put(p.period(), p));
        List<StoredPeriod> written = new ArrayList<>();
        Instant now = Instant.now();
        for (Map.Entry<BillingPeriod, CostSums> e : sums.entrySet()) {
            BillingPeriod period = e.getKey();
            Path target = store.periodDir(source, period, generation);
            moveStaged(staging, period, target);
            StoredPeriod stored = new StoredPeriod(period, generation, now, inputs, e.getValue());
            periods.put(period, stored);
            written.add(stored);
        }
        List<StoredPeriod> all = new ArrayList<>(periods.values());
        all.sort((a, b) -> a.period().compareTo(b.period()));
        store.commit(before.stable(all));
        return written;
    }

    private static void moveStaged(Path staging, BillingPeriod period, Path target) {
        try {
            Files.createDirectories(target);
            List<Path> parts;
            try (Stream<Path> walk = Files.walk(staging)) {
                parts = walk.filter(p -> p.getParent().getFileName().toString().equals(period.toString()))
                        .filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
            }
            int n = 0;
            for (Path part : parts) {
                Path moved = target.resolve(String.format("part-%05d.parquet", n++));
                Files.move(part, moved);
                // its account sums, which stage() wrote beside every staged file, go with it (AccountSums)
                Files.move(io.rebill.ingestion.AccountSums.of(part), io.rebill.ingestion.AccountSums.of(moved));
            }
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot move staged period " + period + " to " + target
                    + ": " + e.getMessage(), e);
        }
    }
}

package io.rebill.cli;

import io.rebill.ingestion.IngestProgress;
import io.rebill.ingestion.IngestResult;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "ingest", description = "Read billing files (or folders of them) into a source: AWS CUR (legacy and 2.0), FOCUS, Azure cost"
        + " details and usage files, Google Cloud's BigQuery billing export; CSV, CSV.gz, Parquet or JSON lines.")
final class IngestCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--source", required = true, description = "Source name, e.g. payer-1 (one per billing account).")
    String source;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Parameters(arity = "0..*", paramLabel = "PATH",
            description = "Billing files or folders; none: the source's folder (rebill source add NAME --folder DIR).")
    List<Path> paths = new java.util.ArrayList<>();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Ingestion ingestion = new Ingestion(parent.settings());
        ProgressListener progress = quiet ? ProgressListener.silent() : new ProgressPrinter(err);
        IngestResult result = ingestion.ingest(source, paths, progress);
        result.skipped().forEach(s -> err.println("left out: " + s));
        if (result.unchanged()) {
            out.printf("source %s: unchanged; these files already produced period(s) %s (%,d lines)%n",
                    source, result.periods(), result.rows());
            return ExitCodes.OK;
        }
        out.printf("source %s: ingested %,d lines from %s in %.1f s into period(s) %s; status STABLE%n", source,
                result.rows(), Human.bytes(result.bytes()), result.took().toMillis() / 1000.0, result.periods());
        out.print(ReconcileCommand.table(result.reconciliation()));
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * One progress line: the file's percent while it is read, bytes and their rate, and rows once they are known
     * (DuckDB counts a file's lines when it is written, so a file being read shows no row count rather than 0).
     */
    static String line(IngestProgress p) {
        String pct = p.phase().equals("read") && p.fileBytes() > 0
                ? String.format(" %3.0f%%", 100.0 * p.fileBytesRead() / p.fileBytes()) : "";
        String rows = p.rows() > 0 ? String.format("  %,d rows  %,.0f rows/s", p.rows(), p.rowsPerSecond()) : "";
        return String.format("[%s %d/%d] %s%s  %s read  %s/s%s  %.1f s", p.phase(), p.fileIndex(), p.fileCount(),
                p.file(), pct, Human.bytes(p.bytesTotalRead()), Human.bytes((long) p.bytesPerSecond()), rows,
                p.elapsed().toMillis() / 1000.0);
    }

    /** One line per second at most, to stderr, so stdout stays the result. */
    static final class ProgressPrinter implements ProgressListener {
        private final PrintWriter err;
        private long lastPrinted;

        ProgressPrinter(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void onProgress(IngestProgress p) {
            long now = System.nanoTime();
            // a file's start and end, and every phase, are always printed; the percent in between once a second
            boolean boundary = p.fileBytesRead() == 0 || p.fileBytesRead() == p.fileBytes();
            if (!boundary && now - lastPrinted < 900_000_000L) {
                return;
            }
            lastPrinted = now;
            err.println(line(p));
            err.flush();
        }
    }
}

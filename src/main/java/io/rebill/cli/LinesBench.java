package io.rebill.cli;

import io.rebill.ingestion.Ingestion;
import io.rebill.rules.Billing;
import io.rebill.rules.PredicateCompiler;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;
import io.rebill.shared.time.BillingPeriod;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * `rebill bench --what lines` (issue 12 item 7, docs/benchmarks.md): the bill run's write of its re-billed lines as
 * one file clustered by customer against one plain DuckDB COPY of the same columns of the same lines (unsorted,
 * no rules), alternating in one process; then, on the real server after an ingest through an integration
 * ({@link DraftsBench}), a customer's FOCUS file and the costs API's customer month-by-service-by-day and MSP
 * month-by-customer answers, each timed over loopback HTTP one request at a time.
 */
final class LinesBench {
    private static final BillingPeriod PERIOD = BillingPeriod.parse(DraftsBench.MONTH);
    /** What an application run sums per tag when no virtual tag is set: the most frequent provider tag keys. */
    private static final io.rebill.rules.TagDimensions TAGS =
            new io.rebill.rules.TagDimensions(io.rebill.costs.DailyCosts.REPORT_TAG_KEYS, List.of());

    private final PrintWriter out;
    private final Path dir;

    LinesBench(PrintWriter out, Path dir) {
        this.out = out;
        this.dir = dir;
    }

    /** The write: plain COPY and the run's kept lines, {@code runs} times each, alternating. */
    void write(RebillSettings parent, Path home, Path accountsCsv, int runs) throws Exception {
        RebillSettings settings = new RebillSettings(home, parent.memoryLimit(), parent.threads());
        List<Path> files = new Ingestion(settings).lineItemFiles("bench", PERIOD);
        Billing billing = io.rebill.invoicing.InvoiceAssembly.billing(settings, PredicateCompiler.cel());
        var config = BenchWorkflow.config(BenchWorkflow.accounts(accountsCsv), PERIOD);
        Path work = Files.createDirectories(dir.resolve("lines-write"));
        List<double[]> rows = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            Path plain = work.resolve("plain.parquet");
            Files.deleteIfExists(plain);
            long t0 = System.nanoTime();
            try (Connection c = DuckDb.open(settings); Statement s = c.createStatement()) {
                s.execute("SET preserve_insertion_order = false");
                s.execute("CREATE TABLE a AS SELECT * FROM read_csv('" + DuckDb.literal(accountsCsv.toString())
                        + "', all_varchar = true)");
                // the stored files as the bill reads them (a file stored before a newer optional column reads it NULL)
                String stored = io.rebill.ingestion.StoredLines.read(c, files, "filename = true, file_row_number = true")
                        .sql();
                s.execute("COPY (SELECT " + plainColumns() + " FROM " + stored
                        + " l JOIN a ON a.account_id = l.sub_account_id) TO '"
                        + DuckDb.literal(plain.toString()) + "' (FORMAT parquet, COMPRESSION zstd)");
            }
            double plainSeconds = (System.nanoTime() - t0) / 1e9;
            Path kept = work.resolve("run-" + UUID.randomUUID());
            long[] writeStart = {0};
            long t1 = System.nanoTime();
            billing.billDaily(config, PERIOD, files, TAGS, Optional.of(kept), m -> {
                if (m.startsWith("keeping the re-billed lines")) {
                    writeStart[0] = System.nanoTime();
                }
            }).close();
            long t2 = System.nanoTime();
            double writeSeconds = (t2 - writeStart[0]) / 1e9;
            rows.add(new double[]{plainSeconds, writeSeconds, (t2 - t1) / 1e9, Files.size(plain) / 1e6,
                    keptBytes(kept) / 1e6});
            System.err.printf("lines: plain COPY %.1f s, the run's write %.1f s (run with it %.1f s)%n", plainSeconds,
                    writeSeconds, (t2 - t1) / 1e9);
            Trees.delete(kept);
        }
        out.println();
        out.printf("The re-billed lines of %s, %d runs alternating; load average (1, 5, 15 min): %s%n", PERIOD, runs,
                BenchCommand.loadAverage());
        out.println("| run | plain DuckDB COPY (unsorted, no rules) s | the run's clustered write s | ratio | bill run with it s | plain MB | clustered MB |");
        out.println("|---|---|---|---|---|---|---|");
        for (int i = 0; i < rows.size(); i++) {
            double[] x = rows.get(i);
            out.printf("| %d | %.1f | %.1f | %.2fx | %.1f | %.0f | %.0f |%n", i + 1, x[0], x[1], x[1] / x[0], x[2], x[3], x[4]);
        }
        out.flush();
    }

    /** The run's kept lines' bytes: the files of its lines folder (one per writer thread). */
    private static long keptBytes(Path run) throws java.io.IOException {
        try (var files = Files.list(run.resolve("lines"))) {
            long bytes = 0;
            for (Path f : files.toList()) {
                bytes += Files.size(f);
            }
            return bytes;
        }
    }

    /** The kept columns, read from the stored lines as plainly as DuckDB can (the customer from a join). */
    private static String plainColumns() {
        List<String> items = new ArrayList<>();
        for (String c : Billing.keptLineColumns()) {
            items.add(switch (c) {
                case "customer_id" -> "a.customer AS customer_id";
                case "charge" -> "l.effective_cost AS charge";
                case "line_id" -> "concat(l.filename, '-', l.file_row_number) AS line_id";
                default -> "l." + c;
            });
        }
        return String.join(", ", items);
    }

    /** The HTTP part: runs inside DraftsBench once the drafts of the ingested month are ready. */
    DraftsBench.Then http(int requests) {
        return (server, http, customerIds) -> {
            List<String> customers = new ArrayList<>(customerIds.values());
            Collections.sort(customers);
            String any = customers.getFirst();
            List<String[]> results = new ArrayList<>();
            results.add(time(server, http, "customer's FOCUS file (Parquet), Manager User", requests / 4, customers,
                    "/api/v1/costs/focus?period=" + PERIOD + "&format=parquet"));
            results.add(time(server, http, "customer's FOCUS file (CSV), Manager User", requests / 8, customers,
                    "/api/v1/costs/focus?period=" + PERIOD + "&format=csv"));
            results.add(time(server, http, "customer: GET /costs month by service by day", requests, List.of(any),
                    "/api/v1/costs?period=" + PERIOD + "&group_by=day,service"));
            results.add(time(server, http, "MSP: GET /costs month by customer", requests, List.of(),
                    "/api/v1/costs?period=" + PERIOD + "&group_by=customer"));
            // issue 11 item 8: the fine figures are the run's Parquet files, read with DuckDB on the request
            results.add(time(server, http, "customer: GET /costs month by region by day (run's fine file)", requests,
                    List.of(any), "/api/v1/costs?period=" + PERIOD + "&group_by=day,region"));
            results.add(time(server, http, "MSP: GET /costs month by customer by region (run's fine file)", requests,
                    List.of(), "/api/v1/costs?period=" + PERIOD + "&group_by=customer,region"));
            out.println();
            out.printf("Over 127.0.0.1, one request at a time, %d customers; load average (1, 5, 15 min): %s%n",
                    customers.size(), BenchCommand.loadAverage());
            out.println("| request | requests | p50 ms | p95 ms | max ms | body bytes (last) |");
            out.println("|---|---|---|---|---|---|");
            results.forEach(r -> out.println("| " + String.join(" | ", r) + " |"));
            out.flush();
        };
    }

    /** {@code n} GETs, each inside the next of {@code accounts} (none: the MSP itself); p50, p95, max. */
    private static String[] time(BenchServer server, HttpClient http, String name, int n, List<String> accounts,
                                 String path) throws Exception {
        List<Double> ms = new ArrayList<>();
        long bytes = 0;
        for (int i = -2; i < n; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.base() + path)).timeout(Duration.ofMinutes(2)).GET();
            if (!accounts.isEmpty()) {
                request.header("Rebill-Account", accounts.get(Math.floorMod(i * 37, accounts.size())));
            }
            long t = System.nanoTime();
            HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            double took = (System.nanoTime() - t) / 1e6;
            if (r.statusCode() != 200) {
                throw new RebillException(ErrorCode.STORAGE_FAILED, "GET " + path + " answered " + r.statusCode() + ": "
                        + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
            }
            bytes = r.body().length;
            if (i >= 0) {
                ms.add(took);
            }
        }
        Collections.sort(ms);
        return new String[]{name, String.valueOf(n), String.format("%.1f", ms.get(ms.size() / 2)),
                String.format("%.1f", ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.95) - 1))),
                String.format("%.1f", ms.getLast()), String.format("%,d", bytes)};
    }
}

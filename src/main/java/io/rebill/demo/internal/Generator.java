package io.rebill.demo.internal;

import io.rebill.demo.DemoAccount;
import io.rebill.demo.Format;
import io.rebill.demo.GeneratedFile;
import io.rebill.demo.GeneratedFiles;
import io.rebill.demo.GenerationListener;
import io.rebill.demo.GeneratorSpec;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.duckdb.DuckDBConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Runs one generation: builds the dimension tables (setup.sql), then per period defines the line items
 * (lines.sql) and their projections (formats.sql) and streams slices of rows with COPY, one file per slice and
 * format. Java never touches a row.
 *
 * <p>A COPY into one file keeps row order and is therefore close to single-threaded in DuckDB (and gzip is
 * sequential), so the files of a period are written concurrently, each by its own connection to the same
 * in-memory database: as many at a time as the settings allow threads. All of them share the job's memory limit.
 */
public final class Generator {
    private static final String CATEGORIES = "/io/rebill/ingestion/aws-service-categories.csv";

    private final RebillSettings settings;

    public Generator(RebillSettings settings) {
        this.settings = settings;
    }

    public GeneratedFiles run(GeneratorSpec spec, Path outDir, Set<Format> formats, GenerationListener listener) {
        Path work = settings.tempDir().resolve("demo-" + UUID.randomUUID());
        OutputLayout layout = new OutputLayout(outDir);
        RunPlan run = RunPlan.of(spec);
        int workers = Math.max(1, settings.threads());
        ExecutorService executor = Executors.newFixedThreadPool(workers, daemonThreads());
        List<Connection> connections = new ArrayList<>();
        try {
            Files.createDirectories(work);
            Map<String, Path> inputs = Map.of(
                    "catalog", copyResource("catalog.csv", work),
                    "regions", copyResource("regions.csv", work),
                    "categories", copyResource(CATEGORIES, work));
            try (Connection main = DuckDb.open(settings); Statement s = main.createStatement()) {
                s.execute(SqlTemplate.load("setup.sql").render(run.setupNumbers(), inputs));
                Dimensions dims = dimensions(s);
                List<DemoAccount> accounts = accounts(s);
                DuckDBConnection database = main.unwrap(DuckDBConnection.class);
                BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(workers);
                for (int i = 0; i < workers; i++) {
                    Connection c = database.duplicate();
                    connections.add(c);
                    idle.add(c);
                }
                SqlTemplate lines = SqlTemplate.load("lines.sql");
                String projections = SqlTemplate.load("formats.sql").render(Map.of());
                List<GeneratedFile> written = new ArrayList<>();
                for (YearMonth period : spec.periods()) {
                    s.execute(lines.render(PeriodPlan.of(run, dims, period, spec.seed()).numbers()));
                    s.execute(projections);
                    List<Future<GeneratedFile>> files = new ArrayList<>();
                    for (Format format : EnumSet.copyOf(formats)) {
                        layout.prepare(format, period);
                        SqlTemplate copy = SqlTemplate.load(OutputLayout.copyTemplate(format));
                        int part = 1;
                        for (long lo = 0; lo < spec.rowsPerPeriod(); lo += spec.rowsPerFile(), part++) {
                            long hi = Math.min(spec.rowsPerPeriod(), lo + spec.rowsPerFile());
                            GeneratedFile file = new GeneratedFile(format, period, layout.file(format, period, part),
                                    hi - lo);
                            String sql = copy.render(Map.of("lo", lo, "hi", hi), Map.of("out", file.path()));
                            files.add(executor.submit(() -> write(idle, sql, file)));
                        }
                    }
                    for (Future<GeneratedFile> file : files) {
                        GeneratedFile done = await(file);
                        written.add(done);
                        listener.fileWritten(done);
                    }
                }
                return new GeneratedFiles(written, accounts);
            } finally {
                executor.shutdownNow();
                for (Connection c : connections) {
                    c.close();
                }
            }
        } catch (SQLException e) {
            throw failed(outDir, e);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot write demo billing data into " + outDir
                    + ": " + e.getMessage(), e);
        } finally {
            executor.shutdownNow();
            deleteTree(work);
        }
    }

    private static GeneratedFile write(BlockingQueue<Connection> idle, String sql, GeneratedFile file)
            throws SQLException, InterruptedException {
        Connection c = idle.take();
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            return file;
        } finally {
            idle.put(c);
        }
    }

    private static GeneratedFile await(Future<GeneratedFile> file) throws SQLException {
        try {
            return file.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RebillException(ErrorCode.STORAGE_FAILED, "demo data generation was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static RebillException failed(Path outDir, SQLException e) {
        return new RebillException(ErrorCode.STORAGE_FAILED, "generating demo billing data into " + outDir
                + " failed: " + e.getMessage() + " (check free disk space and that the folder is writable)", e);
    }

    private static Dimensions dimensions(Statement s) throws SQLException {
        try (ResultSet r = s.executeQuery(SqlTemplate.load("constants.sql").render(Map.of()))) {
            r.next();
            return new Dimensions(r.getLong("sp_fee_offer"), r.getLong("usage_first"), r.getLong("usage_slots"),
                    r.getLong("aws_first"), r.getLong("aws_slots"), r.getLong("sp_first"), r.getLong("sp_slots"));
        }
    }

    private static List<DemoAccount> accounts(Statement s) throws SQLException {
        List<DemoAccount> accounts = new ArrayList<>();
        try (ResultSet r = s.executeQuery(SqlTemplate.load("accounts.sql").render(Map.of()))) {
            while (r.next()) {
                accounts.add(new DemoAccount(r.getString("account_id"), r.getString("customer")));
            }
        }
        return accounts;
    }

    /** DuckDB reads files, not class-path resources (which may sit inside the jar): copy them to the job folder. */
    private static Path copyResource(String name, Path folder) throws IOException {
        // relative names are resources of this package, absolute ones (the service categories) of another
        try (InputStream in = Generator.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the class path");
            }
            Path target = folder.resolve(Path.of(name).getFileName().toString());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, "rebill-demo-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

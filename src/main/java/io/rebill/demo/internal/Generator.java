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
import io.rebill.shared.io.Trees;
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
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Runs one generation: builds the dimension tables (setup.sql), then per period defines the line items
 * (lines.sql) and their projections (formats.sql) and streams slices of rows with COPY, one file per slice and
 * format, several files at a time ({@link Writers}). Java never touches a row.
 */
public final class Generator {
    private static final String CATEGORIES = "/io/rebill/ingestion/aws-service-categories.csv";

    private final RebillSettings settings;

    public Generator(RebillSettings settings) {
        this.settings = settings;
    }

    public GeneratedFiles run(GeneratorSpec spec, Path outDir, Set<Format> formats, GenerationListener listener) {
        Path work = settings.tempDir().resolve("demo-" + UUID.randomUUID());
        try {
            Files.createDirectories(work);
            Map<String, Path> inputs = Map.of(
                    "catalog", copyResource("catalog.csv", work),
                    "regions", copyResource("regions.csv", work),
                    "customers", copyResource("customers.csv", work),
                    "categories", copyResource(CATEGORIES, work));
            try (Connection main = DuckDb.open(settings); Statement s = main.createStatement()) {
                RunPlan run = RunPlan.of(spec);
                s.execute(SqlTemplate.load("setup.sql").render(run.setupNumbers(), inputs));
                Dimensions dims = dimensions(s);
                List<DemoAccount> accounts = accounts(s);
                try (Writers writers = new Writers(main.unwrap(DuckDBConnection.class), settings.threads())) {
                    List<GeneratedFile> written = new ArrayList<>();
                    SqlTemplate lines = SqlTemplate.load("lines.sql");
                    String projections = SqlTemplate.load("formats.sql").render(Map.of());
                    for (YearMonth period : spec.periods()) {
                        s.execute(lines.render(PeriodPlan.of(run, dims, period, spec.seed()).numbers()));
                        s.execute(projections);
                        writePeriod(writers, spec, new OutputLayout(outDir), formats, period, written, listener);
                    }
                    return new GeneratedFiles(written, accounts);
                }
            }
        } catch (SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "generating demo billing data into " + outDir
                    + " failed: " + e.getMessage() + " (check free disk space and that the folder is writable)", e);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot write demo billing data into " + outDir
                    + ": " + e.getMessage(), e);
        } finally {
            Trees.delete(work);
        }
    }

    /** Submits every file of one period, then reports them in order as they complete. */
    private static void writePeriod(Writers writers, GeneratorSpec spec, OutputLayout layout, Set<Format> formats,
                                    YearMonth period, List<GeneratedFile> written, GenerationListener listener)
            throws IOException, SQLException {
        List<Future<GeneratedFile>> pending = new ArrayList<>();
        for (Format format : EnumSet.copyOf(formats)) {
            layout.prepare(format, period);
            SqlTemplate copy = SqlTemplate.load(OutputLayout.copyTemplate(format));
            int part = 1;
            for (long lo = 0; lo < spec.rowsPerPeriod(); lo += spec.rowsPerFile(), part++) {
                long hi = Math.min(spec.rowsPerPeriod(), lo + spec.rowsPerFile());
                GeneratedFile file = new GeneratedFile(format, period, layout.file(format, period, part), hi - lo);
                pending.add(writers.submit(copy.render(Map.of("lo", lo, "hi", hi), Map.of("out", file.path())),
                        file));
            }
        }
        for (Future<GeneratedFile> file : pending) {
            GeneratedFile done = writers.await(file);
            written.add(done);
            listener.fileWritten(done);
        }
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
                accounts.add(new DemoAccount(r.getString("account_id"), r.getString("customer"),
                        r.getString("customer_name")));
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

}

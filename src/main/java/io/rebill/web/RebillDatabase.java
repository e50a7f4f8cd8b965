package io.rebill.web;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the portal's PostgreSQL is: an external server ({@code rebill.database.url}), or a real PostgreSQL started
 * from the bundled binaries with its data kept under {@code $REBILL_HOME/postgres}, so that a single-machine
 * install needs nothing but Java. Closing it stops the embedded server (an external one is left alone).
 */
final class RebillDatabase implements AutoCloseable {
    static final String EMBEDDED_DATABASE = "rebill";
    private static final Logger log = LoggerFactory.getLogger(RebillDatabase.class);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedPostgres embedded;

    private RebillDatabase(String jdbcUrl, String user, String password, EmbeddedPostgres embedded) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.embedded = embedded;
    }

    static RebillDatabase external(String jdbcUrl, String user, String password) {
        // Without the query string, which may carry a password.
        log.info("Using the PostgreSQL at {}", jdbcUrl.replaceFirst("\\?.*", ""));
        return new RebillDatabase(jdbcUrl, blankToNull(user), blankToNull(password), null);
    }

    /** Starts (and on first use initialises) the embedded server on a free port. */
    static RebillDatabase embedded(RebillSettings settings) {
        Path dataDirectory = settings.home().resolve("postgres");
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .start();
            try {
                createDatabaseIfMissing(postgres);
            } catch (SQLException | RuntimeException e) {
                postgres.close();
                throw e;
            }
            log.info("Started the embedded PostgreSQL on port {} with its data in {}", postgres.getPort(),
                    dataDirectory);
            return new RebillDatabase(postgres.getJdbcUrl("postgres", EMBEDDED_DATABASE), "postgres", null, postgres);
        } catch (IOException | SQLException | IllegalStateException e) {
            // IllegalStateException: zonky's lock on the data directory is held, typically by a running server.
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot start the embedded PostgreSQL in "
                    + dataDirectory + ": " + e.getMessage()
                    + " (is another Rebill server using this data folder? or set REBILL_DATABASE_URL)", e);
        }
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres postgres) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, EMBEDDED_DATABASE);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                // A constant name: CREATE DATABASE takes no bind parameters.
                create.execute("CREATE DATABASE " + EMBEDDED_DATABASE + " ENCODING 'UTF8'");
            }
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    boolean isEmbedded() {
        return embedded != null;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
            log.info("Stopped the embedded PostgreSQL");
        }
    }
}

package io.rebill.web;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Where the portal's PostgreSQL is: an external server ({@code rebill.database.url}), or a real PostgreSQL started
 * from the bundled binaries with its data kept under {@code $REBILL_HOME/postgres}, so that a single-machine
 * install needs nothing but Java. Closing it stops the embedded server (an external one is left alone).
 * The embedded server is durable, private to this application and restarts after a crash: {@link EmbeddedCluster}.
 */
final class RebillDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RebillDatabase.class);

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final EmbeddedCluster embedded;

    private RebillDatabase(String jdbcUrl, String user, String password, EmbeddedCluster embedded) {
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

    /**
     * Starts (and on first use initialises) the embedded server on a free loopback port; the application connects
     * as the database's owner {@value EmbeddedOwner#ROLE} with its generated password. See {@link EmbeddedCluster}.
     */
    static RebillDatabase embedded(RebillSettings settings) {
        Path dataDirectory = settings.home().resolve("postgres");
        try {
            EmbeddedCluster cluster = EmbeddedCluster.start(dataDirectory);
            try {
                EmbeddedOwner.ensure(cluster);
            } catch (SQLException | RuntimeException e) {
                cluster.close();
                throw e;
            }
            return new RebillDatabase(cluster.jdbcUrl(EmbeddedOwner.DATABASE), EmbeddedOwner.ROLE,
                    cluster.credentials().ownerPassword(), cluster);
        } catch (IOException | SQLException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot start the embedded PostgreSQL in "
                    + dataDirectory + ": " + e.getMessage() + " (or set REBILL_DATABASE_URL)", e);
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

    /** The embedded cluster (its data folder, port, superuser password), empty for an external PostgreSQL. */
    java.util.Optional<EmbeddedCluster> embeddedCluster() {
        return java.util.Optional.ofNullable(embedded);
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
            log.info("Stopped the embedded PostgreSQL");
        }
    }
}

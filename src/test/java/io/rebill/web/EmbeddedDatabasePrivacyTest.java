package io.rebill.web;

import io.rebill.shared.config.RebillSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded PostgreSQL is the application's alone (issue 14, item 2) and keeps PostgreSQL's durable settings
 * (item 1): what another OS user of the host, or a stray program, can and cannot do with it.
 */
class EmbeddedDatabasePrivacyTest {
    @TempDir
    static Path home;
    private static RebillDatabase database;

    @BeforeAll
    static void start() {
        database = RebillDatabase.embedded(RebillSettings.at(home));
    }

    @AfterAll
    static void stop() throws Exception {
        database.close();
    }

    @Test
    void theGeneratedPasswordsAreInAFileOnlyTheServersUserCanRead() throws Exception {
        Path file = home.resolve("postgres").resolve(EmbeddedCredentials.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        Properties stored = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            stored.load(in);
        }
        assertThat(stored.getProperty("owner.password")).isEqualTo(database.password()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(stored.getProperty("superuser.password")).isNotEqualTo(database.password());
        assertThat(database.user()).isEqualTo("rebill");
    }

    @Test
    void aConnectionWithoutThePasswordIsRefused() {
        for (String user : new String[]{"rebill", "postgres"}) {
            assertThatThrownBy(() -> DriverManager.getConnection(database.jdbcUrl(), user, null).close())
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("requested SCRAM-based authentication");
            assertThatThrownBy(() -> DriverManager.getConnection(database.jdbcUrl(), user, "guessed-password").close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        }
        // What a local user without the file could try next: the old trust rules, or a Unix socket.
        assertThat(readString(home.resolve("postgres/pg_hba.conf"))).doesNotContainPattern("(?m)^[^#]*\\btrust\\b")
                .doesNotContainPattern("(?m)^\\s*local\\b");
    }

    @Test
    void theApplicationIsTheNonSuperuserOwnerOfItsDatabaseAndCannotRunPrograms() throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT current_user")).isEqualTo("rebill");
            assertThat(one(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
            assertThat(one(s, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"))
                    .isEqualTo("rebill");
            assertThatThrownBy(() -> s.execute("COPY (SELECT 1) TO PROGRAM 'id'"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    void theServerRunsWithDurableSettingsOnLoopbackOnly() throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             Statement s = c.createStatement()) {
            assertThat(one(s, "SHOW fsync")).isEqualTo("on");
            assertThat(one(s, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(one(s, "SHOW full_page_writes")).isEqualTo("on");
            assertThat(one(s, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(one(s, "SHOW password_encryption")).isEqualTo("scram-sha-256");
        }
        EmbeddedCluster cluster = database.embeddedCluster().orElseThrow();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("postgres"), "postgres",
                cluster.credentials().superuserPassword());
             Statement s = c.createStatement()) {
            assertThat(one(s, "SHOW unix_socket_directories")).as("no Unix socket").isEmpty();
        }
    }

    static String one(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

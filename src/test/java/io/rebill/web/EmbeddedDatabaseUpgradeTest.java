package io.rebill.web;

import io.rebill.shared.config.RebillSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static io.rebill.web.EmbeddedDatabasePrivacyTest.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A data folder made by an earlier Rebill (zonky's EmbeddedPostgres: trust for every local connection, the
 * {@code postgres} superuser owning database {@code rebill} and every table Flyway made) is secured in place on its
 * next start, keeping its data (issue 14, item 2).
 */
class EmbeddedDatabaseUpgradeTest {
    @TempDir
    Path home;

    @Test
    void anEarlierVersionsTrustFolderGetsPasswordsAnOwnerRoleAndKeepsItsData() throws Exception {
        Path folder = home.resolve("postgres");
        createAsTheEarlierVersionDid(folder);
        assertThat(Files.readString(folder.resolve("pg_hba.conf"))).containsPattern("(?m)^host\\s+all\\s+all\\s+\\S+\\s+trust");

        try (RebillDatabase database = RebillDatabase.embedded(RebillSettings.at(home))) {
            assertThat(Files.readString(folder.resolve("pg_hba.conf"))).isEqualTo(EmbeddedCluster.HBA);
            assertThatThrownBy(() -> DriverManager.getConnection(database.jdbcUrl(), "postgres", null).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("SCRAM");

            try (Connection c = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
                 Statement s = c.createStatement()) {
                assertThat(one(s, "SELECT note FROM legacy_note")).isEqualTo("written by the earlier version");
                assertThat(one(s, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'rebill'"))
                        .isEqualTo("rebill");
                assertThat(one(s, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'rebill'"))
                        .isEqualTo("0");
                assertThat(Integer.parseInt(one(s, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")))
                        .as("Flyway's tables and the note").isGreaterThan(2);
                assertThat(one(s, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
                // The owner can change what it now owns: the next release's migrations will.
                s.execute("ALTER TABLE legacy_note ADD COLUMN checked boolean");
                s.execute("INSERT INTO legacy_note (note, checked) VALUES ('written by the new version', true)");
                s.execute("DROP TABLE legacy_note");
            }
            // The application's own start: Flyway as the owner finds its history and nothing to do.
            var migrated = Flyway.configure().dataSource(database.jdbcUrl(), database.user(), database.password())
                    .locations("classpath:db/migration").load().migrate();
            assertThat(migrated.migrationsExecuted).isZero();
        }

        // A second start finds the folder secured and the passwords in their file still valid.
        String password;
        try (RebillDatabase again = RebillDatabase.embedded(RebillSettings.at(home));
             Connection c = DriverManager.getConnection(again.jdbcUrl(), again.user(), again.password());
             Statement s = c.createStatement()) {
            assertThat(one(s, "SELECT current_user")).isEqualTo("rebill");
            password = again.password();
        }
        // An operator who deleted the passwords file gets new passwords, not a server that cannot start.
        Files.delete(folder.resolve(EmbeddedCredentials.FILE_NAME));
        try (RebillDatabase renewed = RebillDatabase.embedded(RebillSettings.at(home));
             Connection c = DriverManager.getConnection(renewed.jdbcUrl(), renewed.user(), renewed.password());
             Statement s = c.createStatement()) {
            assertThat(renewed.password()).isNotEqualTo(password);
            assertThat(one(s, "SELECT count(*) FROM flyway_schema_history")).isNotEqualTo("0");
        }
    }

    /** As RebillDatabase did before issue 14: zonky's defaults, database rebill created and migrated as postgres. */
    private static void createAsTheEarlierVersionDid(Path folder) throws Exception {
        Files.createDirectories(folder);
        // zonky in a working folder of its own: at start it deletes every folder of its working folder with a lock
        // file older than ten minutes, which in a shared one were other servers' binaries (a flaky suite)
        Path zonky = folder.getParent().resolve("zonky");
        try (EmbeddedPostgres earlier = EmbeddedPostgres.builder().setDataDirectory(folder)
                .setOverrideWorkingDirectory(zonky.toFile())
                .setCleanDataDirectory(false).setRegisterShutdownHook(false).start()) {
            try (Connection c = earlier.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE rebill ENCODING 'UTF8'");
            }
            String url = earlier.getJdbcUrl("postgres", "rebill");
            Flyway.configure().dataSource(url, "postgres", null).locations("classpath:db/migration").load().migrate();
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE legacy_note (id bigint GENERATED ALWAYS AS IDENTITY, note text)");
                s.execute("INSERT INTO legacy_note (note) VALUES ('written by the earlier version')");
            }
        }
    }
}

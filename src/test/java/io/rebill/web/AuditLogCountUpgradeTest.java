package io.rebill.web;

import io.rebill.shared.config.RebillSettings;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

import static io.rebill.web.EmbeddedDatabasePrivacyTest.one;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database with an audit log from before its total was kept (V2026_12_11_0100) gets every MSP's count of the
 * entries it already has, so the log's total after the upgrade is the entries', not only the new ones'.
 */
class AuditLogCountUpgradeTest {
    @TempDir
    Path home;

    @Test
    void theEntriesBeforeTheUpgradeAreCountedAndNewOnesAddToThem() throws Exception {
        try (RebillDatabase database = RebillDatabase.embedded(RebillSettings.at(home))) {
            String url = database.jdbcUrl();
            Flyway.configure().dataSource(url, database.user(), database.password()).locations("classpath:db/migration")
                    .target("2026.12.10.0200").load().migrate();
            UUID north = UUID.randomUUID();
            UUID south = UUID.randomUUID();
            try (Connection c = DriverManager.getConnection(url, database.user(), database.password());
                 Statement s = c.createStatement()) {
                s.execute("INSERT INTO audit_log (msp_id, actor_email, action) SELECT '" + north + "', 'a@north.example',"
                        + " 'users.create' FROM generate_series(1, 7)");
                s.execute("INSERT INTO audit_log (msp_id, actor_email, action) SELECT '" + south + "', 'b@south.example',"
                        + " 'users.create' FROM generate_series(1, 3)");
                s.execute("INSERT INTO audit_log (msp_id, actor_email, action) VALUES (NULL, 'operator@host', 'sso.login')");
                assertThat(one(s, "SELECT count(*) FROM pg_tables WHERE tablename = 'audit_log_count'")).isEqualTo("0");
            }

            var upgrade = Flyway.configure().dataSource(url, database.user(), database.password())
                    .locations("classpath:db/migration").load().migrate();
            assertThat(upgrade.migrationsExecuted).isPositive();

            try (Connection c = DriverManager.getConnection(url, database.user(), database.password());
                 Statement s = c.createStatement()) {
                String total = "SELECT COALESCE(sum(entries), 0) FROM audit_log_count WHERE msp_id = '%s'";
                assertThat(one(s, total.formatted(north))).isEqualTo("7");
                assertThat(one(s, total.formatted(south))).isEqualTo("3");
                assertThat(one(s, "SELECT count(*) FROM audit_log_count WHERE msp_id IS NULL")).isEqualTo("0");
                s.execute("INSERT INTO audit_log (msp_id, actor_email, action) VALUES ('" + north + "', 'a@north.example',"
                        + " 'users.update')");
                assertThat(one(s, total.formatted(north))).isEqualTo("8");
            }
        }
    }
}

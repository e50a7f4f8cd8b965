package io.rebill.web.api;

import io.rebill.identity.Role;
import io.rebill.identity.SsoConnections;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.secrets.SecretBox;
import io.rebill.shared.secrets.SecretKeys;
import io.rebill.tenancy.AccountKind;
import io.rebill.web.PortalClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SSO client secrets on the real embedded PostgreSQL: sealed in the row, plain text of earlier versions sealed on
 * upgrade, never answered by the API, and readable after a key rotation; a wrong key file fails clearly.
 */
class SsoSecretsAtRestTest extends ApiTestBase {
    private static final String SECRET = "sso-client-secret-7f3a9c";

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    SsoConnections connections;
    @Autowired
    SecretBox secrets;

    private UUID customer(String key) {
        PortalClient owner = PortalClient.signIn(port, OWNER, PASSWORD);
        return UUID.fromString(created(owner.post("/api/v1/managed_accounts", map("name", "Sso " + key + " Corp",
                "contact_email", "admin+sso-" + key + "@msp.example"))).body().path("id").asString());
    }

    private SsoConnections.Settings settings(String domain, String secret) {
        return new SsoConnections.Settings(domain, "http://localhost:1/realms/" + domain, "rebill",
                Optional.ofNullable(secret), Role.VIEWER);
    }

    private String row(UUID account) {
        return jdbc.sql("SELECT client_secret FROM sso_connection WHERE account_id = :a").param("a", account)
                .query(String.class).single();
    }

    @Test
    void theRowHoldsNoPlainTextAndTheApiAnswersOnlyThatASecretIsSet() {
        UUID account = customer("a");
        connections.put(account, AccountKind.CUSTOMER, settings("sso-a.example", SECRET), "test");

        assertThat(row(account)).startsWith("rbs1:").doesNotContain(SECRET);
        assertThat(connections.find(account).orElseThrow().clientSecret()).isEqualTo(SECRET);
        PortalClient manager = PortalClient.signIn(port, OWNER, PASSWORD).header("Rebill-Account", account.toString());
        var answer = manager.get("/api/v1/sso");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).doesNotContain(SECRET).doesNotContain("rbs1:");
        assertThat(answer.body().path("client_secret_set").asBoolean()).isTrue();
    }

    @Test
    void aPlainTextSecretOfAnEarlierVersionIsSealedOnUpgrade() {
        UUID account = customer("b");
        connections.put(account, AccountKind.CUSTOMER, settings("sso-b.example", SECRET), "test");
        // as the previous version stored it
        jdbc.sql("UPDATE sso_connection SET client_secret = 'legacy-plain-secret' WHERE account_id = :a")
                .param("a", account).update();

        int sealed = connections.sealStoredSecrets();

        assertThat(sealed).isGreaterThanOrEqualTo(1);
        assertThat(row(account)).startsWith("rbs1:").doesNotContain("legacy-plain-secret");
        assertThat(connections.find(account).orElseThrow().clientSecret()).isEqualTo("legacy-plain-secret");
        assertThat(connections.sealStoredSecrets()).isZero();
    }

    @Test
    void afterAKeyRotationEverySecretIsSealedWithTheNewKeyAndStillReads() throws Exception {
        UUID account = customer("c");
        connections.put(account, AccountKind.CUSTOMER, settings("sso-c.example", SECRET), "test");
        List<Map<String, Object>> saved = jdbc.sql("SELECT account_id, client_secret FROM sso_connection").query().listOfRows();
        // the running server's key file stays as it is: the rotation works on a copy, as the next start would
        Path copy = home().resolve("rotated-keys");
        Files.copy(secrets.keys().file(), copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-------"));
        Thread.sleep(1100);
        SecretKeys rotated = SecretKeys.load(copy).rotate(Clock.systemUTC());
        SsoConnections afterRestart = new SsoConnections(jdbc, tx, true, new SecretBox(rotated));
        try {
            int resealed = afterRestart.sealStoredSecrets();

            assertThat(resealed).isEqualTo(saved.size());
            assertThat(SecretBox.keyIdOf(row(account))).isEqualTo(rotated.current().id());
            assertThat(afterRestart.find(account).orElseThrow().clientSecret()).isEqualTo(SECRET);
            // the server still running on the old key file cannot read what the new key sealed, and says why
            assertThatThrownBy(() -> connections.find(account)).isInstanceOf(RebillException.class)
                    .hasMessageContaining("sealed with key '" + rotated.current().id() + "'")
                    .hasMessageNotContaining(SECRET);
        } finally {
            for (Map<String, Object> r : saved) {
                jdbc.sql("UPDATE sso_connection SET client_secret = :s WHERE account_id = :a")
                        .param("s", r.get("client_secret")).param("a", r.get("account_id")).update();
            }
        }
        assertThat(connections.find(account).orElseThrow().clientSecret()).isEqualTo(SECRET);
    }
}

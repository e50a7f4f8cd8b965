package io.rebill.cli;

import io.rebill.shared.secrets.SecretBox;
import io.rebill.shared.secrets.SecretKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rebill secrets rotate}: a new current key in the data folder's key file, the earlier ones kept. */
class SecretsCommandTest {
    @TempDir
    Path home;

    @Test
    void rotateAddsANewCurrentKeyAndWhatTheOldOneSealedStillOpens() throws Exception {
        SecretBox before = new SecretBox(SecretKeys.load(home.resolve(SecretKeys.DEFAULT_FILE)));
        String sealed = before.seal("client-secret", "sso:a");
        Thread.sleep(1100); // key ids carry the second they were made

        CliRunner.Run run = new CliRunner(home).rebill("secrets", "rotate");
        CliRunner.Run keys = new CliRunner(home).rebill("secrets", "keys");

        assertThat(run.exit()).as(run.err()).isZero();
        SecretKeys after = SecretKeys.load(home.resolve(SecretKeys.DEFAULT_FILE));
        assertThat(after.ids()).hasSize(2).first().isEqualTo(before.keys().current().id());
        assertThat(run.out()).contains("new key " + after.current().id(), "restart the server");
        assertThat(keys.out()).contains(after.current().id() + " (current)");
        assertThat(new SecretBox(after).open(sealed, "sso:a")).isEqualTo("client-secret");
    }
}

package io.rebill.shared.secrets;

import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sealing secrets with AES-GCM under a key file kept outside the database; rotation; the errors an operator sees. */
class SecretBoxTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @TempDir
    Path dir;

    @Test
    void theKeyFileIsCreatedReadableByTheServersUserOnly() throws Exception {
        Path file = dir.resolve("secret-keys");
        SecretKeys keys = SecretKeys.load(file);

        assertThat(Files.exists(file)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(keys.ids()).hasSize(1);
        assertThat(SecretKeys.load(file).current().id()).isEqualTo(keys.current().id());
    }

    @Test
    void aSealedValueHoldsNoPlainTextAndOpensToTheSecret() {
        SecretBox box = new SecretBox(SecretKeys.load(dir.resolve("secret-keys")));

        String sealed = box.seal(SECRET, "integration:1");

        assertThat(sealed).startsWith("rbs1:" + box.keys().current().id() + ":").doesNotContain(SECRET)
                .doesNotContain("wJalrXUtnFEMI");
        assertThat(box.seal(SECRET, "integration:1")).isNotEqualTo(sealed); // a fresh nonce each time
        assertThat(box.open(sealed, "integration:1")).isEqualTo(SECRET);
    }

    @Test
    void aSealedValueCopiedToAnotherRowDoesNotOpen() {
        SecretBox box = new SecretBox(SecretKeys.load(dir.resolve("secret-keys")));
        String sealed = box.seal(SECRET, "sso:account-a");

        assertThatThrownBy(() -> box.open(sealed, "sso:account-b")).isInstanceOf(RebillException.class)
                .hasMessageContaining("cannot be decrypted").hasMessageNotContaining(SECRET);
    }

    @Test
    void aWrongKeyFileGivesAClearErrorNamingTheKeyAndTheFile() throws Exception {
        SecretBox right = new SecretBox(SecretKeys.load(dir.resolve("right")));
        String sealed = right.seal(SECRET, "sso:a");
        // another key under the same id, as when a server is started with another data folder's key file
        String id = right.keys().current().id();
        Path wrongFile = dir.resolve("wrong");
        Files.createFile(wrongFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(wrongFile, id + " " + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        SecretBox wrong = new SecretBox(SecretKeys.load(wrongFile));
        Path otherFile = dir.resolve("other");
        Files.createFile(otherFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(otherFile, "kother " + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        SecretBox missing = new SecretBox(SecretKeys.load(otherFile));

        assertThatThrownBy(() -> wrong.open(sealed, "sso:a")).hasMessageContaining("key '" + id + "'")
                .hasMessageContaining(wrongFile.toString()).hasMessageContaining("is not the key it was sealed with");
        assertThatThrownBy(() -> missing.open(sealed, "sso:a"))
                .hasMessageContaining("sealed with key '" + id + "', which the key file")
                .hasMessageContaining("REBILL_SECRET_KEY_FILE");
    }

    @Test
    void rotationAddsACurrentKeyAndKeepsEarlierValuesReadable() {
        Path file = dir.resolve("secret-keys");
        SecretBox before = new SecretBox(SecretKeys.load(file));
        String old = before.seal(SECRET, "sso:a");

        SecretKeys rotated = SecretKeys.load(file).rotate(Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC));
        SecretBox after = new SecretBox(SecretKeys.load(file));

        assertThat(rotated.current().id()).isEqualTo("k20300102T030405");
        assertThat(after.keys().ids()).containsExactly(before.keys().current().id(), "k20300102T030405");
        assertThat(after.open(old, "sso:a")).isEqualTo(SECRET);
        String resealed = after.seal(SECRET, "sso:a");
        assertThat(SecretBox.keyIdOf(resealed)).isEqualTo("k20300102T030405");
        assertThat(after.open(resealed, "sso:a")).isEqualTo(SECRET);
    }

    @Test
    void aKeyFileOtherUsersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("secret-keys");
        SecretKeys.load(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> SecretKeys.load(file)).isInstanceOf(RebillException.class)
                .hasMessageContaining("readable by other users").hasMessageContaining("chmod 600");
    }
}

package io.rebill.shared.secrets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Seals and opens the secrets Rebill keeps in its database (SSO client secrets, integration credentials) with
 * AES-256-GCM under a key kept outside the database ({@link SecretKeys}). A sealed value reads
 * {@code rbs1:<key id>:<base64 of 12-byte nonce + ciphertext + tag>}; the key id says which key of the key file opens
 * it, so a rotation leaves older values readable until they are sealed again. Each value is bound to its place
 * ({@code context}, e.g. {@code sso:<account id>}) as GCM's associated data, so a sealed secret copied into another
 * account's row does not open there.
 */
public final class SecretBox {
    public static final String PREFIX = "rbs1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeys keys;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(SecretKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    public SecretKeys keys() {
        return keys;
    }

    /** Whether {@code stored} is a sealed value (anything else is plain text kept by an older version). */
    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    /** The key id a sealed value was sealed with. */
    public static String keyIdOf(String sealed) {
        if (!isSealed(sealed)) {
            throw new IllegalArgumentException("not a sealed secret");
        }
        int end = sealed.indexOf(':', PREFIX.length());
        return end < 0 ? "" : sealed.substring(PREFIX.length(), end);
    }

    public String seal(String plain, String context) {
        Objects.requireNonNull(plain, "plain");
        SecretKeys.Key key = keys.current();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return PREFIX + key.id() + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    /**
     * The plain text of a sealed value. A value sealed with a key the key file does not hold, or with another key
     * under the same id, is refused with an error that names the key and the file, never with the bytes.
     */
    public String open(String sealed, String context) {
        if (!isSealed(sealed)) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "the stored secret of " + context + " is not sealed;"
                    + " restart the server so that it seals every plain-text secret");
        }
        String id = keyIdOf(sealed);
        SecretKeys.Key key = keys.find(id).orElseThrow(() -> new RebillException(ErrorCode.STORAGE_FAILED,
                "the secret of " + context + " was sealed with key '" + id + "', which the key file " + keys.file()
                        + " does not hold; start Rebill with the key file it was sealed with (REBILL_SECRET_KEY_FILE)"));
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length() + id.length() + 1));
        } catch (IllegalArgumentException e) {
            throw unreadable(context, id, "it is not base64");
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw unreadable(context, id, "it is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw unreadable(context, id, "key '" + id + "' in " + keys.file() + " is not the key it was sealed with"
                    + " (or the value was altered)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    private static RebillException unreadable(String context, String id, String why) {
        return new RebillException(ErrorCode.STORAGE_FAILED, "the secret of " + context + " (key '" + id
                + "') cannot be decrypted: " + why);
    }
}

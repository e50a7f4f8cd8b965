package io.rebill.shared.secrets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys that seal Rebill's secrets, kept in a file outside the database: {@code <data folder>/secret-keys} by
 * default (created on first use, readable by the server's user only), or the file the operator names in
 * {@code REBILL_SECRET_KEY_FILE}. One key a line, {@code <id> <base64 of 32 bytes>}; the last line is the current key,
 * which seals new values; the earlier ones still open what they sealed. {@link #rotate} appends a new key.
 */
public final class SecretKeys {
    public static final String ENV_KEY_FILE = "REBILL_SECRET_KEY_FILE";
    public static final String DEFAULT_FILE = "secret-keys";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("'k'yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

    /** One key: its id (as written in sealed values) and its AES-256 bytes. */
    public record Key(String id, SecretKeySpec spec) {
        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final Path file;
    private final List<Key> keys;

    private SecretKeys(Path file, List<Key> keys) {
        this.file = file;
        this.keys = List.copyOf(keys);
    }

    /** The key file the environment names, else the data folder's own. */
    public static Path fileFor(Path home, Map<String, String> env) {
        String named = env.get(ENV_KEY_FILE);
        return named == null || named.isBlank() ? home.resolve(DEFAULT_FILE) : Path.of(named);
    }

    /**
     * Reads the key file, creating it with one new key when it does not exist. A file other users can read is
     * refused: the keys open every secret in the database.
     */
    public static SecretKeys load(Path file) {
        Path path = file.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            create(path);
        }
        checkOwnerOnly(path);
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, path + ": cannot read the secret key file: "
                    + e.getMessage(), e);
        }
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            byte[] bytes;
            try {
                bytes = parts.length == 2 ? Base64.getDecoder().decode(parts[1]) : new byte[0];
            } catch (IllegalArgumentException e) {
                bytes = new byte[0];
            }
            if (bytes.length != 32 || !parts[0].matches("[A-Za-z0-9_-]{1,64}")) {
                throw new RebillException(ErrorCode.BAD_VALUE, path + ": line " + (i + 1) + ": not '<key id> <base64"
                        + " of 32 bytes>'");
            }
            String id = parts[0];
            if (keys.stream().anyMatch(k -> k.id().equals(id))) {
                throw new RebillException(ErrorCode.BAD_VALUE, path + ": line " + (i + 1) + ": key id '" + id
                        + "' appears twice");
            }
            keys.add(new Key(id, new SecretKeySpec(bytes, "AES")));
        }
        if (keys.isEmpty()) {
            throw new RebillException(ErrorCode.BAD_VALUE, path + ": the secret key file holds no key");
        }
        return new SecretKeys(path, keys);
    }

    public Path file() {
        return file;
    }

    /** The key that seals new values: the file's last. */
    public Key current() {
        return keys.get(keys.size() - 1);
    }

    public Optional<Key> find(String id) {
        return keys.stream().filter(k -> k.id().equals(id)).findFirst();
    }

    public List<String> ids() {
        return keys.stream().map(Key::id).toList();
    }

    /**
     * Appends a new key, which becomes the current one, and returns the keys as they now are. The file is replaced
     * whole (written beside it, then moved), so a crash leaves the old file or the new one.
     */
    public SecretKeys rotate(Clock clock) {
        String id = ID.format(clock.instant());
        if (find(id).isPresent()) {
            id = id + "-" + keys.size();
        }
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        keys.forEach(k -> lines.add(line(k.id(), k.spec().getEncoded())));
        lines.add(line(id, newKey()));
        write(file, lines);
        return load(file);
    }

    private static final String HEADER = "# Rebill secret keys: '<id> <base64 AES-256 key>', the last line seals new"
            + " values. Keep a copy in a safe place; without it the stored secrets cannot be read.";

    private static void create(Path path) {
        write(path, List.of(HEADER, line(ID.format(Clock.systemUTC().instant()), newKey())));
    }

    private static byte[] newKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static String line(String id, byte[] key) {
        return id + " " + Base64.getEncoder().encodeToString(key);
    }

    private static void write(Path path, List<String> lines) {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            Files.createDirectories(path.getParent());
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                throw new IOException("another process is writing " + tmp, e);
            }
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, path + ": cannot write the secret key file: "
                    + e.getMessage(), e);
        }
    }

    private static void checkOwnerOnly(Path path) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
            if (permissions.stream().anyMatch(p -> !OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE)) {
                throw new RebillException(ErrorCode.BAD_VALUE, path + ": the secret key file is readable by other users ("
                        + PosixFilePermissions.toString(permissions) + "); make it the server user's alone: chmod 600 "
                        + path);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, path + ": " + e.getMessage(), e);
        }
    }
}

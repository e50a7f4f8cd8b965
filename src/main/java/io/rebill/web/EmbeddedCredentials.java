package io.rebill.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Properties;
import java.util.Set;

/**
 * The embedded PostgreSQL's two generated passwords: the superuser's ({@code postgres}, used only to set the
 * cluster up at start) and the application's ({@code rebill}, the owner of database {@code rebill}). They live in
 * {@value #FILE_NAME} in the data folder, readable and writable by the server's OS user only (0600).
 */
record EmbeddedCredentials(String superuserPassword, String ownerPassword) {
    static final String FILE_NAME = "rebill-credentials.properties";
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Logger log = LoggerFactory.getLogger(EmbeddedCredentials.class);
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    EmbeddedCredentials {
        requirePlain(superuserPassword);
        requirePlain(ownerPassword);
    }

    static EmbeddedCredentials generate() {
        return new EmbeddedCredentials(randomPassword(), randomPassword());
    }

    /** The file's credentials, or new ones written to it when it does not exist yet. */
    static EmbeddedCredentials loadOrCreate(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return load(file);
        }
        EmbeddedCredentials created = generate();
        created.save(dataDirectory);
        return created;
    }

    private static EmbeddedCredentials load(Path file) throws IOException {
        if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
            log.warn("{} was readable by others; made it readable by its owner only", file);
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        }
        String superuser = properties.getProperty("superuser.password");
        String owner = properties.getProperty("owner.password");
        if (superuser == null || owner == null) {
            throw new IOException(file + " lacks superuser.password or owner.password");
        }
        return new EmbeddedCredentials(superuser, owner);
    }

    /** Written to a 0600 file beside it first, then moved into place, so the file is never partial or open to others. */
    void save(Path dataDirectory) throws IOException {
        Path file = dataDirectory.resolve(FILE_NAME);
        Path temporary = dataDirectory.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Properties properties = new Properties();
        properties.setProperty("superuser.password", superuserPassword);
        properties.setProperty("owner.password", ownerPassword);
        try (Writer out = Files.newBufferedWriter(temporary)) {
            properties.store(out, "The embedded PostgreSQL's passwords (users postgres and rebill). Keep this file private.");
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String randomPassword() {
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    /** Letters and digits only: the passwords go into SQL string literals and command input unquoted. */
    private static void requirePlain(String password) {
        if (password == null || !password.matches("[A-Za-z0-9]{16,}")) {
            throw new IllegalArgumentException("an embedded PostgreSQL password must be 16 or more letters and digits");
        }
    }

    @Override
    public String toString() {
        return "EmbeddedCredentials[hidden]";
    }
}

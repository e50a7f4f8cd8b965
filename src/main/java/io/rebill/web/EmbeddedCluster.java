package io.rebill.web;

import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One embedded PostgreSQL cluster in a data folder, run by Rebill itself from the bundled binaries:
 * <ul>
 *   <li>durable: every start passes PostgreSQL's own durable defaults on the command line ({@link #SERVER_SETTINGS}),
 *       where neither {@code ALTER SYSTEM} nor {@code postgresql.conf} can override them;</li>
 *   <li>private: no Unix socket, loopback TCP only, and {@code pg_hba.conf} allows nothing but SCRAM password
 *       logins ({@link #HBA}); the passwords are generated and kept in a 0600 file ({@link EmbeddedCredentials});</li>
 *   <li>restartable: a server that was killed (kill -9, power cut of the JVM only) leaves its PostgreSQL running;
 *       the next start finds it through {@code postmaster.pid}, checks it serves this folder and stops it.</li>
 * </ul>
 * Folders made by earlier versions (trust authentication, no passwords) are upgraded in place on their next start.
 */
final class EmbeddedCluster implements AutoCloseable {
    static final String SUPERUSER = "postgres";
    static final String LOCK_FILE = "epg-lock";
    /** What {@code pg_hba.conf} holds: a changed file means an older version's (or a hand-edited) one, rewritten. */
    static final String HBA = """
            # Written by Rebill at every start (docs/security.md): the embedded PostgreSQL accepts SCRAM password
            # logins over loopback TCP only. No Unix socket, no trust, no peer.
            host    all    all    127.0.0.1/32    scram-sha-256
            """;
    /** PostgreSQL's durable defaults, spelt out: zonky's own start turned all three off. */
    static final Map<String, String> SERVER_SETTINGS = serverSettings();
    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final PostgresBinaries binaries;
    private final Path dataDirectory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final int port;
    private final EmbeddedCredentials credentials;

    private EmbeddedCluster(PostgresBinaries binaries, Path dataDirectory, FileChannel lockChannel, FileLock lock,
                            int port, EmbeddedCredentials credentials) {
        this.binaries = binaries;
        this.dataDirectory = dataDirectory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.port = port;
        this.credentials = credentials;
    }

    private static Map<String, String> serverSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("fsync", "on");
        settings.put("synchronous_commit", "on");
        settings.put("full_page_writes", "on");
        settings.put("listen_addresses", "127.0.0.1");
        settings.put("unix_socket_directories", "''");
        settings.put("password_encryption", "scram-sha-256");
        settings.put("timezone", "UTC");
        settings.put("logging_collector", "on");
        settings.put("log_filename", "postgresql-%a.log");
        settings.put("log_truncate_on_rotation", "on");
        settings.put("log_rotation_age", "1d");
        settings.put("log_rotation_size", "0");
        return Map.copyOf(settings);
    }

    /**
     * Creates the cluster on first use, takes the folder's lock (one server per folder), stops a PostgreSQL a killed
     * server left running, secures a folder of an earlier version and starts the server on a free loopback port.
     */
    static EmbeddedCluster start(Path dataDirectory) throws IOException {
        Path directory = dataDirectory.toAbsolutePath().normalize();
        Files.createDirectories(directory);
        PostgresBinaries binaries = PostgresBinaries.prepare();
        if (!Files.exists(directory.resolve("postgresql.conf"))) {
            initdb(binaries, directory);
        }
        FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another server in this JVM
        }
        if (lock == null) {
            channel.close();
            throw new IOException("another Rebill server is using " + directory);
        }
        try {
            OrphanedServer.stopIfRunning(binaries, directory, STOP_TIMEOUT);
            // A lost passwords file gets new passwords: the superuser's is set again below, the owner's at every start.
            boolean newPasswords = !Files.exists(directory.resolve(EmbeddedCredentials.FILE_NAME));
            EmbeddedCredentials credentials = EmbeddedCredentials.loadOrCreate(directory);
            if (newPasswords || !HBA.equals(readIfExists(directory.resolve("pg_hba.conf")))) {
                log.info("Securing the embedded PostgreSQL in {}: passwords and SCRAM-only pg_hba.conf", directory);
                setSuperuserPassword(binaries, directory, credentials);
                writeHba(directory);
            }
            int port = startServer(binaries, directory);
            return new EmbeddedCluster(binaries, directory, channel, lock, port, credentials);
        } catch (IOException | RuntimeException e) {
            lock.release();
            channel.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    EmbeddedCredentials credentials() {
        return credentials;
    }

    Path dataDirectory() {
        return dataDirectory;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() throws IOException {
        try {
            ProcessResult stopped = run(binaries.command("pg_ctl", "stop", "-D", dataDirectory.toString(), "-m", "fast",
                    "-w", "-t", String.valueOf(STOP_TIMEOUT.toSeconds())), null, STOP_TIMEOUT.plusSeconds(10));
            if (stopped.exitCode() != 0) {
                log.warn("pg_ctl stop of {} said: {}", dataDirectory, stopped.output());
            }
        } finally {
            lock.release();
            lockChannel.close();
        }
    }

    private static void initdb(PostgresBinaries binaries, Path directory) throws IOException {
        EmbeddedCredentials credentials = EmbeddedCredentials.generate();
        Path passwordFile = Files.createTempFile("rebill-initdb-", ".pw",
                PosixFilePermissions.asFileAttribute(EmbeddedCredentials.OWNER_ONLY));
        try {
            Files.writeString(passwordFile, credentials.superuserPassword() + "\n");
            ProcessResult result = run(binaries.command("initdb", "-D", directory.toString(), "-U", SUPERUSER,
                    "--auth=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF-8"), null, START_TIMEOUT);
            if (result.exitCode() != 0) {
                throw new IOException("initdb failed: " + result.output());
            }
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        credentials.save(directory);
        writeHba(directory);
        log.info("Created the embedded PostgreSQL cluster in {}", directory);
    }

    /**
     * Sets the superuser's password with the server stopped, in single-user mode, so no moment exists in which an
     * older folder's trust rule and a listening server meet. The SCRAM verifier is computed here: the password
     * itself never reaches the server, its log or a command line.
     */
    private static void setSuperuserPassword(PostgresBinaries binaries, Path directory, EmbeddedCredentials credentials)
            throws IOException {
        String verifier = PasswordUtil.encodeScramSha256(credentials.superuserPassword().toCharArray());
        ProcessResult result = run(binaries.command("postgres", "--single", "-D", directory.toString(),
                        "-c", "logging_collector=off", "-c", "log_min_messages=error", SUPERUSER),
                "ALTER ROLE " + SUPERUSER + " WITH PASSWORD '" + verifier + "';\n", START_TIMEOUT);
        if (result.exitCode() != 0 || result.output().contains("ERROR")) {
            throw new IOException("could not set the PostgreSQL superuser's password in " + directory + ": "
                    + result.output());
        }
    }

    private static void writeHba(Path directory) throws IOException {
        Path temporary = directory.resolve("pg_hba.conf.tmp");
        Files.writeString(temporary, HBA);
        Files.setPosixFilePermissions(temporary, EmbeddedCredentials.OWNER_ONLY);
        Files.move(temporary, directory.resolve("pg_hba.conf"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static int startServer(PostgresBinaries binaries, Path directory) throws IOException {
        Files.createDirectories(directory.resolve("log"));
        IOException last = null;
        // The free port can be taken between finding it and binding it; a second port then.
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freePort();
            List<String> options = new ArrayList<>(List.of("-p", String.valueOf(port)));
            SERVER_SETTINGS.forEach((name, value) -> options.add("-c " + name + "=" + value));
            ProcessResult result = run(binaries.command("pg_ctl", "start", "-D", directory.toString(), "-w",
                    "-t", String.valueOf(START_TIMEOUT.toSeconds()), "-l", directory.resolve("log/startup.log").toString(),
                    "-o", String.join(" ", options)), null, START_TIMEOUT.plusSeconds(10));
            if (result.exitCode() == 0) {
                log.info("Started the embedded PostgreSQL on 127.0.0.1:{} with its data in {}", port, directory);
                return port;
            }
            String startupLog = readIfExists(directory.resolve("log/startup.log"));
            last = new IOException("PostgreSQL did not start: " + result.output().strip() + " "
                    + startupLog.lines().reduce((a, b) -> b).orElse(""));
            if (!startupLog.contains("could not bind") && !startupLog.contains("already in use")) {
                break;
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String readIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    record ProcessResult(int exitCode, String output) {
    }

    /** Runs a program to its end with {@code input} on its stdin; its stdout and stderr together are the output. */
    static ProcessResult run(List<String> command, String input, Duration timeout) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (input == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = builder.start();
        if (input != null) {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(command.getLast() + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new ProcessResult(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + command, e);
        }
    }

    static Optional<Long> postmasterPid(Path directory) throws IOException {
        String text = readIfExists(directory.resolve("postmaster.pid"));
        String first = text.lines().findFirst().orElse("").strip();
        try {
            return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}

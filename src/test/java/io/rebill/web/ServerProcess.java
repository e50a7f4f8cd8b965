package io.rebill.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code rebill serve} as a real child process (its own JVM, the test's classpath and JDK), with the PostgreSQL it
 * starts, so tests can kill them the way a power cut or the OOM killer does.
 */
final class ServerProcess {
    static final String ADMIN = "admin@msp.example";
    static final String PASSWORD = "crash-test-password-1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);

    private final Process process;
    private final int port;
    private final Path home;

    private ServerProcess(Process process, int port, Path home) {
        this.process = process;
        this.port = port;
        this.home = home;
    }

    /** Starts the server on {@code home} and waits until it answers; its output goes to {@code log}. */
    static ServerProcess start(Path home, Path log) throws IOException, InterruptedException {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "io.rebill.Rebill", "--data-dir", home.toString(), "serve", "--port", String.valueOf(port)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("REBILL_ADMIN_PASSWORD", PASSWORD);
        builder.environment().put("REBILL_ADMIN_EMAIL", ADMIN);
        builder.environment().remove("REBILL_DATABASE_URL");
        ServerProcess server = new ServerProcess(builder.start(), port, home);
        server.awaitHealthy(log);
        return server;
    }

    private void awaitHealthy(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("rebill serve ended with exit code " + process.exitValue()
                            + "; its output:\n" + tail(log));
                }
                try {
                    HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/actuator/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (health.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
        }
        process.destroyForcibly();
        throw new AssertionError("rebill serve did not answer within " + START_TIMEOUT + "; its output:\n" + tail(log));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The postmaster this server started, read from the data folder as an operator would. */
    Optional<ProcessHandle> postmaster() {
        try {
            return EmbeddedCluster.postmasterPid(home.resolve("postgres")).flatMap(ProcessHandle::of)
                    .filter(ProcessHandle::isAlive);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the postmaster is gone within 10 s (a killed process lingers until its parent, init, reaps it). */
    boolean awaitNoPostmaster() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (postmaster().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return postmaster().isEmpty();
    }

    /**
     * SIGKILL to the JVM, and with {@code withPostgres} to the postmaster and every backend too, in one kill(1)
     * call: nothing gets to flush or shut down, as in a power cut (except that the OS page cache survives).
     */
    void kill(boolean withPostgres) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-KILL", String.valueOf(process.pid())));
        process.descendants().forEach(p -> command.add(String.valueOf(p.pid())));
        if (withPostgres) {
            ProcessHandle postmaster = postmaster().orElseThrow(() -> new AssertionError("no running postmaster"));
            command.add(String.valueOf(postmaster.pid()));
            postmaster.descendants().forEach(p -> command.add(String.valueOf(p.pid())));
        }
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        kill.waitFor(10, TimeUnit.SECONDS);
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Stops it as Ctrl-C does (SIGTERM), which stops its PostgreSQL too. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("rebill serve did not stop within 60 s of SIGTERM");
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}

package io.rebill.cli;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real server in a child JVM (`rebill serve` on the embedded PostgreSQL under {@code home}), on a free port of
 * 127.0.0.1, its output in {@code log}; stopped (SIGTERM, then killed after a minute) by {@link #close}.
 */
final class BenchServer implements AutoCloseable {
    static final String ADMIN = "admin@msp.example";
    private static final Pattern FORM_CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");

    private final Process process;
    private final int port;
    private final Path log;

    private final Path home;

    private BenchServer(Process process, int port, Path log, Path home) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.home = home;
    }

    /**
     * CPU time the server has used so far: its JVM, and its embedded PostgreSQL (the postmaster named in
     * {@code postgres/postmaster.pid} and every process below it: a connection's backend does a query's work).
     */
    java.time.Duration cpu() {
        java.time.Duration total = process.toHandle().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
        try {
            Path pidFile = home.resolve("postgres").resolve("postmaster.pid");
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().strip());
                java.util.Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
                if (postmaster.isPresent()) {
                    total = total.plus(postmaster.get().info().totalCpuDuration().orElse(java.time.Duration.ZERO));
                    total = total.plus(postmaster.get().descendants().map(h -> h.info().totalCpuDuration()
                            .orElse(java.time.Duration.ZERO)).reduce(java.time.Duration.ZERO, java.time.Duration::plus));
                }
            }
        } catch (IOException | RuntimeException e) {
            // an external PostgreSQL (REBILL_DATABASE_URL) or none yet: the JVM's time only
        }
        return total;
    }

    /** Starts `serve` with {@code serveArgs} and the admin password, and waits (at most {@code timeout}) until it answers. */
    static BenchServer start(Path home, Path log, String password, List<String> serveArgs, List<String> jvmOptions,
                             Duration timeout) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> args = new ArrayList<>(List.of("--data-dir", home.toString(), "serve", "--port", String.valueOf(port)));
        args.addAll(serveArgs);
        // started as ./rebill starts `serve`: with its whole heap (the launcher's -Xms1g)
        List<String> options = new ArrayList<>(List.of("-Xms1g", "-Drebill.admin.password=" + password,
                "-Dserver.address=127.0.0.1"));
        options.addAll(jvmOptions);
        // e.g. REBILL_BENCH_SERVER_OPTS="-XX:StartFlightRecording=filename=server.jfr,settings=profile" to profile
        String extra = System.getenv("REBILL_BENCH_SERVER_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.strip().split("\\s+")));
        }
        List<String> cmd = BenchJvm.command(options, args);
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        BenchServer server = new BenchServer(p, port, log, home);
        HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new RebillException(ErrorCode.STORAGE_FAILED, "the server stopped (exit " + p.exitValue() + "); see " + log);
            }
            try {
                if (probe.send(HttpRequest.newBuilder(URI.create(server.base() + "/login")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        server.close();
        throw new RebillException(ErrorCode.STORAGE_FAILED, "the server did not answer within " + timeout + "; see " + log);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** A client signed in through the login form as the MSP's Owner (its session cookie serves every GET). */
    HttpClient signIn(String password) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        String form = http.send(HttpRequest.newBuilder(URI.create(base() + "/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = FORM_CSRF.matcher(form);
        if (!m.find()) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "the login form of " + base() + " has no CSRF token");
        }
        String body = "username=" + enc(ADMIN) + "&password=" + enc(password) + "&_csrf=" + enc(m.group(1));
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
        String location = r.headers().firstValue("Location").orElse("");
        if (r.statusCode() != 302 || location.contains("error")) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "sign-in of " + ADMIN + " refused: " + r.statusCode() + " -> " + location);
        }
        return http;
    }

    private static final Pattern META_CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The session's CSRF token, which a signed-in page carries, for the requests that change something. */
    String csrf(HttpClient http) throws Exception {
        String page = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = META_CSRF.matcher(page);
        if (!m.find()) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "no CSRF token on the signed-in page of " + base());
        }
        return m.group(1);
    }

    /** A JSON call of the API in the session; any answer but {@code expected} stops the benchmark with the answer. */
    JsonNode call(HttpClient http, String csrf, String method, String path, Object body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofMinutes(30))
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        if (csrf != null) {
            request.header("X-CSRF-TOKEN", csrf);
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}

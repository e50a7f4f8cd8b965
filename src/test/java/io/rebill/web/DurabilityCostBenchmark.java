package io.rebill.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What durable commits cost the API (docs/benchmarks.md): the latency of {@code POST /api/v1/managed_accounts} (one
 * client, one request at a time) on {@code rebill serve}, alternately with the durable commit (as shipped) and with
 * the commit path of the earlier embedded server ({@code synchronous_commit=off} for the application's role, so a
 * commit does not wait for its WAL to reach the disk). Not part of CI:
 * <pre>./mvnw -B -o test -Dtest=DurabilityCostBenchmark -Drebill.bench.durability=true</pre>
 */
@EnabledIfSystemProperty(named = "rebill.bench.durability", matches = "true")
class DurabilityCostBenchmark {
    private static final int WARM_UP = 100;
    private static final int MEASURED = Integer.getInteger("rebill.bench.requests", 400);

    @TempDir
    Path home;

    @Test
    void postLatencyWithDurableAndWithEarlierCommits() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "bench-durability"));
        List<String> report = new ArrayList<>();
        String[] phases = {"durable", "earlier", "durable", "earlier"};
        for (int i = 0; i < phases.length; i++) {
            boolean durable = phases[i].equals("durable");
            setApplicationCommits(durable, logs.resolve("setup-" + i + ".log"));
            ServerProcess server = ServerProcess.start(home, logs.resolve("phase-" + i + ".log"));
            try {
                PortalClient client = PortalClient.signIn(server.port(), ServerProcess.ADMIN, ServerProcess.PASSWORD);
                assertThat(showSynchronousCommitOfApplication()).isEqualTo(durable ? "on" : "off");
                post(client, i, "warm", WARM_UP);
                long[] nanos = post(client, i, "m", MEASURED);
                report.add(String.format("%-8s (phase %d): %d POSTs, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, mean %.2f ms",
                        phases[i], i + 1, MEASURED, ms(percentile(nanos, 50)), ms(percentile(nanos, 95)),
                        ms(percentile(nanos, 99)), ms(Arrays.stream(nanos).average().orElseThrow())));
            } finally {
                server.stop();
            }
        }
        report.forEach(System.out::println);
    }

    private static long[] post(PortalClient client, int phase, String kind, int count) {
        long[] nanos = new long[count];
        for (int n = 0; n < count; n++) {
            long start = System.nanoTime();
            PortalClient.Response r = client.post("/api/v1/managed_accounts", Map.of(
                    "name", "Bench p" + phase + " " + kind + n,
                    "contact_email", "admin+p" + phase + kind + n + "@msp.example"));
            nanos[n] = System.nanoTime() - start;
            assertThat(r.status()).as(r.text()).isEqualTo(201);
        }
        return nanos;
    }

    /**
     * The earlier commit path for the application's role, set while no server runs (the next start's sessions take
     * it); the durable one resets it. The server-wide settings stay as shipped.
     */
    private void setApplicationCommits(boolean durable, Path log) throws Exception {
        try (RebillDatabase database = RebillDatabase.embedded(io.rebill.shared.config.RebillSettings.at(home))) {
            EmbeddedCluster cluster = database.embeddedCluster().orElseThrow();
            try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("postgres"), "postgres",
                    cluster.credentials().superuserPassword());
                 Statement s = c.createStatement()) {
                s.execute(durable ? "ALTER ROLE rebill RESET synchronous_commit"
                        : "ALTER ROLE rebill SET synchronous_commit = off");
            }
        }
    }

    private String showSynchronousCommitOfApplication() throws Exception {
        Path folder = home.resolve("postgres");
        EmbeddedCredentials credentials = EmbeddedCredentials.loadOrCreate(folder);
        String port = Files.readAllLines(folder.resolve("postmaster.pid")).get(3).strip();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/rebill", "rebill",
                credentials.ownerPassword());
             Statement s = c.createStatement()) {
            return EmbeddedDatabasePrivacyTest.one(s, "SHOW synchronous_commit");
        }
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(double nanos) {
        return nanos / 1_000_000.0;
    }
}

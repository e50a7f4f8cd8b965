package io.rebill.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.rebill.web.EmbeddedDatabasePrivacyTest.one;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, items 1 and 3: {@code rebill serve} in a child process, killed with SIGKILL while clients write through
 * the API, then started again on the same folder. A write the API confirmed (201) must be there after the restart;
 * a server killed without its PostgreSQL must start again with nobody stopping the leftover by hand.
 * <p>
 * What the kill rounds prove, honestly: a process kill loses what is in PostgreSQL's shared memory (WAL not yet
 * written, as with synchronous_commit=off, which lost 1 to 10 confirmed writes per kill before) but not the OS page
 * cache, so it proves that each commit reaches the WAL before the API answers and that the WAL is replayed; that
 * the WAL is also fsync'ed to the disk (a power cut) is asserted through the running server's settings.
 */
class CrashRestartTest {
    /** Kill-and-restart rounds; -Drebill.crash.rounds=20 for a longer run. */
    private static final int DEFAULT_ROUNDS = 3;
    private static final int ROUNDS = Integer.getInteger("rebill.crash.rounds", DEFAULT_ROUNDS);
    private static final int WRITERS = 4;

    @TempDir
    Path home;

    /**
     * Both items on one data folder, to start the server as few times as possible (each start is a JVM and Spring
     * Boot: about 13 s on the 2-core CI machine): {@value #DEFAULT_ROUNDS} whole-tree kills, then one of the JVM alone.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void confirmedWritesSurviveKillsAndAServerKilledWithoutItsPostgresStartsAgainOnItsOwn() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "crash-tests"));
        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        Random random = new Random(14);
        int lostInFlight = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            ServerProcess server = ServerProcess.start(home, logs.resolve("round-" + round + ".log"));
            assertEverythingPresent(server, confirmed, round);
            if (round == 1) {
                assertDurableSettings(server);
            }
            Writers writers = new Writers(server, round, confirmed);
            writers.start();
            writers.awaitConfirmed(20 + random.nextInt(40));
            server.kill(true);
            writers.join();
            assertThat(server.awaitNoPostmaster()).as("the postmaster is dead too").isTrue();
            lostInFlight += writers.failed.size();
        }
        // Item 3 on the same folder: the JVM alone is killed, its PostgreSQL lives on, the next start stops it.
        ServerProcess first = ServerProcess.start(home, logs.resolve("orphan-first.log"));
        assertEverythingPresent(first, confirmed, ROUNDS + 1);
        Writers writers = new Writers(first, ROUNDS + 1, confirmed);
        writers.start();
        writers.awaitConfirmed(10);
        ProcessHandle orphan = first.postmaster().orElseThrow();
        first.kill(false);
        writers.join();
        assertThat(orphan.isAlive()).as("kill -9 of the JVM leaves its PostgreSQL running").isTrue();

        ServerProcess second = ServerProcess.start(home, logs.resolve("orphan-second.log"));
        try {
            assertThat(orphan.isAlive()).as("the leftover PostgreSQL was stopped").isFalse();
            assertThat(second.postmaster().orElseThrow().pid()).isNotEqualTo(orphan.pid());
            assertEverythingPresent(second, confirmed, ROUNDS + 2);
            assertThat(Files.readString(logs.resolve("orphan-second.log")))
                    .contains("Stopping the PostgreSQL (pid " + orphan.pid() + ")");
        } finally {
            second.stop();
        }
        assertThat(second.awaitNoPostmaster()).as("SIGTERM stops the server's PostgreSQL").isTrue();
        System.out.printf("crash test: %d rounds, %d confirmed writes all present, %d requests cut off by the kill%n",
                ROUNDS, confirmed.size(), lostInFlight);
    }

    /** Clients creating managed accounts through the API as fast as the server answers, until it is killed. */
    private static final class Writers {
        final Set<String> confirmed;
        final Set<String> failed = ConcurrentHashMap.newKeySet();
        final List<Thread> threads = new ArrayList<>();
        final AtomicBoolean stopped = new AtomicBoolean();
        final PortalClient client;
        final int round;

        Writers(ServerProcess server, int round, Set<String> confirmed) {
            this.client = PortalClient.signIn(server.port(), ServerProcess.ADMIN, ServerProcess.PASSWORD);
            this.round = round;
            this.confirmed = confirmed;
        }

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                threads.add(Thread.ofPlatform().start(() -> write(writer)));
            }
        }

        private void write(int writer) {
            for (int i = 0; !stopped.get(); i++) {
                String name = "Crash r" + round + " w" + writer + " n" + i;
                try {
                    PortalClient.Response r = client.post("/api/v1/managed_accounts", Map.of("name", name,
                            "contact_email", "admin+r" + round + "w" + writer + "n" + i + "@msp.example"));
                    if (r.status() == 201) {
                        confirmed.add(name);
                    } else {
                        throw new AssertionError("POST refused before the kill: " + r.status() + " " + r.text());
                    }
                } catch (UncheckedIOException | IllegalStateException cutOff) {
                    failed.add(name);
                    stopped.set(true);
                }
            }
        }

        void awaitConfirmed(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long base = confirmedThisRound();
            while (confirmedThisRound() - base < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }

        private long confirmedThisRound() {
            return confirmed.stream().filter(n -> n.startsWith("Crash r" + round + " ")).count();
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            stopped.set(true);
        }
    }

    private static void assertEverythingPresent(ServerProcess server, Set<String> confirmed, int round) {
        PortalClient client = PortalClient.signIn(server.port(), ServerProcess.ADMIN, ServerProcess.PASSWORD);
        Set<String> present = new HashSet<>();
        for (int offset = 0; ; offset += 200) {
            PortalClient.Response page = client.get("/api/v1/managed_accounts?limit=200&offset=" + offset);
            assertThat(page.status()).isEqualTo(200);
            var items = page.body().path("items");
            if (!items.isArray()) {
                throw new AssertionError("unexpected list answer: " + page.text());
            }
            items.forEach(item -> present.add(item.path("name").asString()));
            if (items.size() < 200) {
                break;
            }
        }
        Set<String> lost = new HashSet<>(confirmed);
        lost.removeAll(present);
        assertThat(lost).as("confirmed writes missing at start " + round + " (of " + confirmed.size() + ")").isEmpty();
    }

    /** The running server's own settings, asked as the superuser whose password is in the data folder. */
    private void assertDurableSettings(ServerProcess server) throws Exception {
        Path folder = home.resolve("postgres");
        EmbeddedCredentials credentials = EmbeddedCredentials.loadOrCreate(folder);
        String port = Files.readAllLines(folder.resolve("postmaster.pid")).get(3).strip();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/rebill", "postgres",
                credentials.superuserPassword());
             Statement s = c.createStatement()) {
            assertThat(one(s, "SHOW fsync")).isEqualTo("on");
            assertThat(one(s, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(one(s, "SHOW full_page_writes")).isEqualTo("on");
        }
    }
}

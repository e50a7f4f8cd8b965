package io.rebill.cli;

import com.sun.net.httpserver.HttpServer;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pages benchmark's load test over a real loopback HTTP server: what it counts, times and refuses. */
class LoadTestTest {
    private HttpServer server;
    private final AtomicInteger served = new AtomicInteger();
    private final Set<String> paths = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            if (exchange.getRequestURI().getPath().startsWith("/slow")) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            inFlight.decrementAndGet();
            served.incrementAndGet();
            paths.add(exchange.getRequestURI().toString());
            byte[] body = "twelve bytes".getBytes(StandardCharsets.UTF_8);
            int status = exchange.getRequestURI().getPath().startsWith("/broken") ? 500 : 200;
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void sendsExactlyTheWarmUpAndTheMeasuredRequestsAndReportsOrderedPercentiles() throws Exception {
        LoadTest.Result r = LoadTest.run(HttpClient.newHttpClient(), base(), "page", i -> "/billing/" + (i % 3), 4, 5, 60);

        assertThat(served.get()).isEqualTo(65);
        assertThat(paths).containsExactlyInAnyOrder("/billing/0", "/billing/1", "/billing/2");
        assertThat(r.requests()).isEqualTo(60);
        assertThat(r.clients()).isEqualTo(4);
        assertThat(r.bodyBytes()).isEqualTo(12);
        assertThat(r.p50()).isPositive().isLessThanOrEqualTo(r.p95());
        assertThat(r.p95()).isLessThanOrEqualTo(r.p99());
        assertThat(r.p99()).isLessThanOrEqualTo(r.max());
        assertThat(r.perSecond()).isPositive();
    }

    @Test
    void theServersCpuIsReadAroundTheMeasuredRequestsOnlyAfterAConcurrentWarmUp() throws Exception {
        java.util.List<Integer> servedWhenRead = new java.util.ArrayList<>();
        java.util.List<Integer> mostInFlightWhenRead = new java.util.ArrayList<>();
        LoadTest.Result r = LoadTest.run(HttpClient.newHttpClient(), base(), "slow", i -> "/slow/" + (i % 3),
                java.util.Map.of(), 4, 40, 30, () -> {
                    servedWhenRead.add(served.get());
                    mostInFlightWhenRead.add(mostInFlight.get());
                    // a server that spends 3 ms of CPU on each request it answers
                    return java.time.Duration.ofMillis(3L * served.get());
                });

        assertThat(servedWhenRead).containsExactly(40, 70);
        assertThat(r.requests()).isEqualTo(30);
        assertThat(r.cpuPerRequest()).isEqualTo(3.0);
        assertThat(mostInFlightWhenRead.getFirst()).as("the warm-up's requests come from the clients at once")
                .isGreaterThan(1);
    }

    @Test
    void anAnswerOtherThan200StopsTheTestNamingTheUrlAndStatus() {
        assertThatThrownBy(() -> LoadTest.run(HttpClient.newHttpClient(), base(), "broken", i -> "/broken/" + i, 2, 0, 10))
                .hasRootCauseInstanceOf(RebillException.class)
                .rootCause().hasMessageContaining("GET " + base() + "/broken/").hasMessageContaining("answered 500");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] millis = LongStream.rangeClosed(1, 200).map(ms -> ms * 1_000_000).toArray();
        assertThat(LoadTest.percentile(millis, 50)).isEqualTo(100.0);
        assertThat(LoadTest.percentile(millis, 95)).isEqualTo(190.0);
        assertThat(LoadTest.percentile(millis, 99)).isEqualTo(198.0);
        assertThat(LoadTest.percentile(new long[]{7_000_000}, 95)).isEqualTo(7.0);
    }
}

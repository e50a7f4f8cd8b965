package io.rebill.cli;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A bounded load test of one endpoint over loopback HTTP: {@code clients} threads send GETs until {@code requests}
 * have been answered (after {@code warmUp} unmeasured ones), each timed from send to the last byte of the body. Any
 * answer but 200 stops the test with the URL and status. It stops by itself: a fixed request count, a timeout per
 * request.
 */
final class LoadTest {
    /**
     * One endpoint's figures: latency percentiles (nearest rank) in milliseconds and answered requests per second;
     * {@code cpuPerRequest}: the server's CPU time (its JVM and its PostgreSQL) per measured request in milliseconds,
     * NaN when not measured. On a shared machine latency depends on everyone's load; CPU per request does not.
     */
    record Result(String endpoint, int requests, int clients, double p50, double p95, double p99, double max,
                  double perSecond, long bodyBytes, double cpuPerRequest) {
        Result withCpu(java.time.Duration serverCpu) {
            return new Result(endpoint, requests, clients, p50, p95, p99, max, perSecond, bodyBytes,
                    serverCpu.toNanos() / 1e6 / requests);
        }
    }

    /**
     * Runs the test and measures the CPU time {@code cpu} gives (the server's) across the measured requests only.
     * The {@code warmUp} requests before them are sent by the same {@code clients} and are neither timed nor counted
     * in the CPU: a long-running server pays its JIT compilation once, and with a few dozen warm-up requests the
     * compiler threads were a third of the server's CPU in the measured phase (docs/benchmarks.md, session 10).
     */
    static Result run(HttpClient http, String base, String name, IntFunction<String> path,
                      java.util.Map<String, String> headers, int clients, int warmUp, int requests,
                      java.util.function.Supplier<java.time.Duration> cpu) throws Exception {
        run(http, base, name, path, headers, clients, 0, warmUp);
        java.time.Duration before = cpu.get();
        Result r = run(http, base, name, path, headers, clients, 0, requests);
        return r.withCpu(cpu.get().minus(before));
    }

    private LoadTest() {
    }

    /** {@code path} gives the path of request i (so that it can walk through periods). */
    static Result run(HttpClient http, String base, String name, IntFunction<String> path, int clients, int warmUp,
                      int requests) throws Exception {
        return run(http, base, name, path, java.util.Map.of(), clients, warmUp, requests);
    }

    /** The same with {@code headers} on every request (e.g. {@code Authorization: Bearer rb_...}). */
    static Result run(HttpClient http, String base, String name, IntFunction<String> path,
                      java.util.Map<String, String> headers, int clients, int warmUp, int requests) throws Exception {
        for (int i = 0; i < warmUp; i++) {
            get(http, base + path.apply(i), headers);
        }
        long[] nanos = new long[requests];
        long[] bytes = new long[1];
        AtomicInteger next = new AtomicInteger();
        long started = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<Long>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    long size = 0;
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        long t = System.nanoTime();
                        size = get(http, base + path.apply(i), headers);
                        nanos[i] = System.nanoTime() - t;
                    }
                    return size;
                }));
            }
            for (Future<Long> w : workers) {
                bytes[0] = Math.max(bytes[0], w.get());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        if (requests == 0) {
            return new Result(name, 0, clients, 0, 0, 0, 0, 0, 0, Double.NaN);
        }
        return new Result(name, requests, clients, percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99),
                sorted[sorted.length - 1] / 1e6, requests / seconds, bytes[0], Double.NaN);
    }

    /** The nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    static double percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1] / 1e6;
    }

    private static long get(HttpClient http, String url, java.util.Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        headers.forEach(request::header);
        HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "GET " + url + " answered " + r.statusCode()
                    + r.headers().firstValue("Location").map(l -> " -> " + l).orElse(""));
        }
        return r.body().length;
    }
}

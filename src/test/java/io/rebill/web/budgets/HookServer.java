package io.rebill.web.budgets;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An incoming-webhook receiver on loopback for tests (the JDK's HTTP server): records every body posted to a path
 * and answers each path's scripted statuses in turn (the last one repeats; none: 200).
 */
final class HookServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, List<String>> bodies = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> script = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    HookServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(body);
            int n = calls.computeIfAbsent(path, p -> new AtomicInteger()).getAndIncrement();
            List<Integer> statuses = script.getOrDefault(path, List.of(200));
            int status = statuses.get(Math.min(n, statuses.size() - 1));
            byte[] answer = (status == 200 ? "ok" : "server error " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    /** The statuses {@code path} answers, in turn. */
    HookServer answer(String path, Integer... statuses) {
        script.put(path, List.of(statuses));
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<String> bodies(String path) {
        return bodies.getOrDefault(path, List.of());
    }

    int calls(String path) {
        return calls.getOrDefault(path, new AtomicInteger()).get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

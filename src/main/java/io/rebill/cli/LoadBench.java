package io.rebill.cli;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import tools.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * `rebill bench --what load` (issue 14 item 11): every list endpoint of the API under concurrent clients over
 * loopback, at 1,000 managed accounts. The data is the pages benchmark's (200 customers x 24 billed periods, 1,000
 * linked accounts), copied once into a home of its own and topped up with managed accounts through the API; the
 * requests authenticate with the Owner's API token (write scope: the audit log is for those who manage users), as an
 * integration would, so the token check is part of every request; only GETs are sent.
 *
 * <p>The load generator is {@link LoadTest} (java.net.http, a fixed number of closed-loop clients), not wrk: it is
 * already the pages benchmark's, it is tested (LoadTestTest), it checks every answer's status, and it needs nothing
 * installed; wrk would need a Lua script for the header and would share the same two cores all the same.
 */
final class LoadBench {
    private final PagesBench pages;
    private final Path dir;
    private final int managedAccounts;
    private final PrintWriter log;

    LoadBench(PagesBench pages, Path work, int managedAccounts, PrintWriter log) {
        this.pages = pages;
        this.dir = work.resolve("load-" + managedAccounts);
        this.managedAccounts = managedAccounts;
        this.log = log;
    }

    List<LoadTest.Result> run(RebillSettings parent, int clients, int warmUp, int requests) throws Exception {
        PagesBench.Prepared prepared = pages.prepare(parent);
        Path home = dir.resolve("home");
        if (!Files.exists(home)) {
            Files.createDirectories(dir);
            say("copying the pages benchmark's data folder to %s", home);
            // cp -a keeps the embedded PostgreSQL's folder modes (it refuses a data folder others can read)
            Process cp = new ProcessBuilder("cp", "-a", prepared.home().toString(), home.toString()).inheritIO().start();
            if (cp.waitFor() != 0) {
                throw new RebillException(ErrorCode.STORAGE_FAILED, "copying " + prepared.home() + " failed");
            }
        }
        String password = "bench-" + UUID.randomUUID();
        say("starting the server on %s (log %s)", home, dir.resolve("server.log"));
        try (BenchServer server = BenchServer.start(home, dir.resolve("server.log"), password,
                prepared.bootstrapArgs(), List.of(), Duration.ofMinutes(30))) {
            HttpClient http = server.signIn(password);
            String csrf = server.csrf(http);
            topUp(server, http, csrf);
            settle(server, http, csrf);
            String token = server.call(http, csrf, "POST", "/api/v1/api_tokens",
                    Map.of("name", "load bench " + UUID.randomUUID(), "scope", "write"), 201).path("token").asString();
            JsonNode integrations = server.call(http, csrf, "GET", "/api/v1/integrations", null, 200);
            String integration = (integrations.isArray() ? integrations : integrations.path("items")).path(0).path("id")
                    .asString();
            String customer = server.call(http, csrf, "GET", "/api/v1/managed_accounts?limit=1", null, 200).path("items")
                    .path(0).path("id").asString();
            Map<String, String> bearer = Map.of("Authorization", "Bearer " + token, "Accept", "application/json");
            // a customer account's view (the MSP's Owner as Manager User, seed "Access a Customer Account")
            Map<String, String> inCustomer = Map.of("Authorization", "Bearer " + token, "Accept", "application/json",
                    "Rebill-Account", customer);
            HttpClient api = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            List<LoadTest.Result> results = new ArrayList<>();
            int pagesOf50 = Math.max(1, managedAccounts / 50);
            List<Endpoint> endpoints = List.of(
                    new Endpoint("GET /api/v1/managed_accounts (50 a page, walking every page)",
                            i -> "/api/v1/managed_accounts?limit=50&offset=" + (i % pagesOf50) * 50),
                    new Endpoint("GET /api/v1/managed_accounts?limit=200", i -> "/api/v1/managed_accounts?limit=200"),
                    new Endpoint("GET /api/v1/managed_accounts?limit=1", i -> "/api/v1/managed_accounts?limit=1"),
                    new Endpoint("GET /api/v1/users", i -> "/api/v1/users"),
                    new Endpoint("GET /api/v1/api_tokens", i -> "/api/v1/api_tokens"),
                    new Endpoint("GET /api/v1/integrations", i -> "/api/v1/integrations"),
                    new Endpoint("GET /api/v1/managed_integrations (in a customer account)",
                            i -> "/api/v1/managed_integrations", inCustomer),
                    new Endpoint("GET /api/v1/integrations/{id}/linked_accounts",
                            i -> "/api/v1/integrations/" + integration + "/linked_accounts"),
                    new Endpoint("GET /api/v1/audit_logs", i -> "/api/v1/audit_logs"),
                    new Endpoint("GET /api/v1/invoices", i -> "/api/v1/invoices"),
                    new Endpoint("GET /api/v1/bill_runs", i -> "/api/v1/bill_runs"),
                    new Endpoint("GET /api/v1/sources", i -> "/api/v1/sources"),
                    new Endpoint("GET /api/v1/billing_rules", i -> "/api/v1/billing_rules"),
                    new Endpoint("GET /api/v1/workflows", i -> "/api/v1/workflows"));
            // every endpoint once before the first is measured: the code they share is compiled by then too
            for (Endpoint e : endpoints) {
                LoadTest.run(api, server.base(), e.name(), e.path(), e.headers().orElse(bearer), clients, 0, warmUp);
            }
            for (Endpoint e : endpoints) {
                results.add(LoadTest.run(api, server.base(), e.name(), e.path(), e.headers().orElse(bearer), clients, warmUp,
                        requests, server::cpu));
                LoadTest.Result r = results.getLast();
                say("%s: p50 %.1f ms, p99 %.1f ms, %.0f requests/s, server CPU %.2f ms a request", r.endpoint(), r.p50(),
                        r.p99(), r.perSecond(), r.cpuPerRequest());
            }
            return results;
        }
    }

    private record Endpoint(String name, IntFunction<String> path, java.util.Optional<Map<String, String>> headers) {
        Endpoint(String name, IntFunction<String> path) {
            this(name, path, java.util.Optional.empty());
        }

        Endpoint(String name, IntFunction<String> path, Map<String, String> headers) {
            this(name, path, java.util.Optional.of(headers));
        }
    }

    /** Creates managed accounts through the API until the MSP has {@link #managedAccounts} of them. */
    private void topUp(BenchServer server, HttpClient http, String csrf) throws Exception {
        JsonNode first = server.call(http, csrf, "GET", "/api/v1/managed_accounts?limit=1", null, 200);
        int have = first.path("total").asInt();
        String domain = BenchServer.ADMIN.substring(BenchServer.ADMIN.indexOf('@') + 1);
        if (have < managedAccounts) {
            say("creating %d managed accounts (the MSP has %d)", managedAccounts - have, have);
        }
        for (int n = have + 1; n <= managedAccounts; n++) {
            String number = String.format(Locale.ROOT, "%04d", n);
            server.call(http, csrf, "POST", "/api/v1/managed_accounts", Map.of("name", "Load Customer " + number,
                    "contact_email", "billing+load" + number + "@" + domain), 201);
        }
    }

    /**
     * Waits until no bill run is queued or running: each managed account created bills the open periods again in the
     * background, and a run measured beside the requests would count its CPU as theirs (at most 30 minutes).
     */
    private void settle(BenchServer server, HttpClient http, String csrf) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        boolean said = false;
        while (true) {
            JsonNode runs = server.call(http, csrf, "GET", "/api/v1/bill_runs?limit=50", null, 200).path("items");
            long busy = runs.valueStream().map(r -> r.path("status").asString())
                    .filter(s -> s.equals("queued") || s.equals("running")).count();
            if (busy == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new RebillException(ErrorCode.STORAGE_FAILED, busy + " bill runs still queued or running after"
                        + " 30 minutes; see " + server.log());
            }
            if (!said) {
                say("waiting for %d bill runs (the new accounts changed the configuration) to finish", busy);
                said = true;
            }
            Thread.sleep(2_000);
        }
    }

    private void say(String format, Object... args) {
        log.printf(format + "%n", args);
        log.flush();
    }
}

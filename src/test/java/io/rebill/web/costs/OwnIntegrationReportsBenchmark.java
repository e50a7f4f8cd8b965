package io.rebill.web.costs;

import io.rebill.identity.Users;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integrations;
import io.rebill.web.GoldenMonth;
import io.rebill.web.PortalClient;
import io.rebill.web.RebillServer;
import io.rebill.web.TinyCur;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.rebill.web.ApiSteps.created;
import static io.rebill.web.ApiSteps.map;
import static io.rebill.web.ApiSteps.ok;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What own integrations cost a customer's cost report (docs/costs.md, "Own integrations in cost reports"): the golden
 * month is billed, Globex's own integration stores the generated month of {@code rebill generate} (CUR Parquet), and
 * each report's figures are asked over loopback HTTP: the first request sums the stored lines in DuckDB, the next
 * ones read the cached sums. Not part of CI:
 * <pre>java -jar target/rebill.jar generate --out /tmp/own-bench --rows 1000000 --periods 2026-10 --format cur-parquet
 * ./mvnw -B -o verify -Dtest=OwnIntegrationReportsBenchmark -Drebill.bench.own=/tmp/own-bench/cur-parquet/2026-10</pre>
 */
@EnabledIfSystemProperty(named = "rebill.bench.own", matches = ".+")
@SpringBootTest(classes = RebillServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"rebill.admin.password=unused-password-1", "rebill.database.url=",
                "rebill.billing.coalesce-ms=100"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class OwnIntegrationReportsBenchmark {
    private static final int WARM = 20;
    static final Path home = io.rebill.TestHomes.create("rebill-own-bench");

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add(RebillServer.HOME_PROPERTY, () -> home.toString());
    }

    @LocalServerPort
    int port;
    @Autowired
    Accounts accounts;
    @Autowired
    Users users;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Ingestion ingestion;

    @Test
    void coldAndWarmReportsOverAGeneratedOwnIntegration() throws IOException {
        GoldenMonth.Msp golden = GoldenMonth.msp(port, accounts, users, "own-bench", "Cloud Partner Bench",
                new String[][]{{"globex", "owner@globex-bench.example"}});
        TinyCur.write(GoldenMonth.curFile(home, golden), GoldenMonth.lines());
        GoldenMonth.ingest(golden, GoldenMonth.connectAndSetRules(golden));
        GoldenMonth.awaitIdleSucceeded(jdbc, golden.account().id());
        PortalClient globex = PortalClient.signIn(port, "owner@globex-bench.example", GoldenMonth.CUSTOMER_PASSWORD);
        String own = created(globex.post("/api/v1/integrations", map("provider", "aws", "name", "Generated AWS",
                "kind", "uploads"))).body().path("id").asString();
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("rebill.bench.own")))) {
            files = s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
        long ingest = System.nanoTime();
        ingestion.ingest(Integrations.sourceName(UUID.fromString(own)), files, ProgressListener.silent());
        System.out.printf("ingest of %s: %.1f s%n", files, (System.nanoTime() - ingest) / 1e9);

        List<String> report = new ArrayList<>();
        Map<String, List<String>> shapes = new java.util.LinkedHashMap<>();
        shapes.put("month by service", List.of("service"));
        shapes.put("day by service", List.of("service"));
        shapes.put("day by source and provider account", List.of("source", "sub_account"));
        shapes.put("month by region and service", List.of("region", "service"));
        for (var shape : shapes.entrySet()) {
            String id = created(globex.post("/api/v1/cost_reports", map("title", shape.getKey(), "range", "custom",
                    "from", "2026-10-01", "to", "2026-10-31", "granularity", shape.getKey().startsWith("day") ? "day"
                            : "month", "group_by", shape.getValue()))).body().path("id").asString();
            long cold = System.nanoTime();
            String total = ok(globex.get("/api/v1/cost_reports/" + id + "/data")).path("total").asString();
            double coldMs = (System.nanoTime() - cold) / 1e6;
            double[] warm = new double[WARM];
            for (int i = 0; i < WARM; i++) {
                long t = System.nanoTime();
                assertThat(ok(globex.get("/api/v1/cost_reports/" + id + "/data")).path("total").asString())
                        .isEqualTo(total);
                warm[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(warm);
            report.add(String.format("%-36s first %8.1f ms, then p50 %6.1f ms, p95 %6.1f ms (total %s)",
                    shape.getKey(), coldMs, warm[WARM / 2], warm[(int) Math.ceil(WARM * 0.95) - 1], total));
        }
        String billed = created(globex.post("/api/v1/cost_reports", map("title", "billed only", "range", "custom",
                "from", "2026-10-01", "to", "2026-10-31", "granularity", "day", "group_by", List.of("service"),
                "include_own_integrations", false))).body().path("id").asString();
        double[] plain = new double[WARM];
        for (int i = 0; i < WARM; i++) {
            long t = System.nanoTime();
            ok(globex.get("/api/v1/cost_reports/" + billed + "/data"));
            plain[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(plain);
        report.add(String.format("%-36s p50 %6.1f ms, p95 %6.1f ms", "day by service, billed only", plain[WARM / 2],
                plain[(int) Math.ceil(WARM * 0.95) - 1]));
        report.forEach(System.out::println);
    }
}

package io.rebill.ingestion.internal;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.duckdb.DuckDb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** SQL resources of this package and the per-connection set-up they need. */
final class Sql {
    private static final ConcurrentHashMap<String, String> CACHE = new ConcurrentHashMap<>();

    private Sql() {
    }

    static String resource(String name) {
        return CACHE.computeIfAbsent(name, n -> read(Sql.class.getResourceAsStream(n), n));
    }

    private static String read(InputStream in, String name) {
        if (in == null) {
            throw new IllegalStateException("missing SQL resource " + name);
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().collect(Collectors.joining("\n"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Macros and the AWS service category lookup used by the mapping queries. */
    static void prepare(Connection duck) throws SQLException {
        try (Statement s = duck.createStatement()) {
            for (String statement : resource("macros.sql").split(";\\s*(\\n|$)")) {
                if (statement.replaceAll("(?m)^--.*$", "").isBlank()) {
                    continue;
                }
                if (!statement.contains("rb_money_{{places}}")) {
                    s.execute(statement);
                    continue;
                }
                // one macro per stored scale below 24 (rb_money_10, rb_money_12); a value of n places is n + 1 characters
                for (int places : CanonicalColumn.STORED_MONEY_SCALES) {
                    if (places < CanonicalColumn.MONEY_SCALE) {
                        s.execute(statement.replace("{{places}}", Integer.toString(places))
                                .replace("{{chars}}", Integer.toString(places + 1)));
                    }
                }
            }
        }
        // A map literal, not a join: a per-row lookup keeps the read streaming in bounded memory.
        StringBuilder map = new StringBuilder("MAP {");
        String csv = read(Sql.class.getResourceAsStream("/io/rebill/ingestion/aws-service-categories.csv"),
                "aws-service-categories.csv");
        csv.lines().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",", 2)).forEach(row -> map
                .append(map.length() > 5 ? ", '" : "'").append(DuckDb.literal(row[0].trim())).append("': '")
                .append(DuckDb.literal(row[1].trim())).append('\''));
        map.append('}');
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP MACRO rb_aws_service_category(code) AS COALESCE(map_extract_value("
                    + map + ", code), 'Other')");
        }
    }
}

package io.rebill.ingestion.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
                if (!statement.replaceAll("(?m)^--.*$", "").isBlank()) {
                    s.execute(statement);
                }
            }
            s.execute("CREATE OR REPLACE TEMP TABLE rb_aws_service_categories (product_code VARCHAR PRIMARY KEY,"
                    + " service_category VARCHAR NOT NULL)");
        }
        List<String[]> rows = new ArrayList<>();
        String csv = read(Sql.class.getResourceAsStream("/io/rebill/ingestion/aws-service-categories.csv"),
                "aws-service-categories.csv");
        csv.lines().skip(1).filter(l -> !l.isBlank()).forEach(l -> rows.add(l.split(",", 2)));
        try (PreparedStatement ps = duck.prepareStatement("INSERT INTO rb_aws_service_categories VALUES (?, ?)")) {
            for (String[] row : rows) {
                ps.setString(1, row[0].trim());
                ps.setString(2, row[1].trim());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}

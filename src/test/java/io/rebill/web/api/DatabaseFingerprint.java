package io.rebill.web.api;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A hash of every row of every portal table (new tables are picked up by themselves), to show that a refused
 * request changed nothing. {@code api_token.last_used_at} is left out: every token request sets it; so are the
 * columns a bill run's background worker fills after the request that queued it (its rows themselves count), and
 * the counters of changes to billing data (migration V2026_12_09_0100), which that worker's writes raise too.
 */
final class DatabaseFingerprint {
    // billing_version holds counters that triggers raise with every write of the runs, invoices and closes, the
    // background worker's included; what they count is in the tables fingerprinted here
    private static final Set<String> SKIPPED_TABLES = Set.of("flyway_schema_history", "billing_version");
    private static final Set<String> SKIPPED_COLUMNS = Set.of("api_token.last_used_at", "bill_run.status",
            "bill_run.started_at", "bill_run.finished_at", "bill_run.progress", "bill_run.error", "bill_run.config_yaml",
            "bill_run.config_hash", "bill_run.sources", "bill_run.line_count", "bill_run.reconciles", "bill_run.outcome");

    private final JdbcClient jdbc;
    private final String query;

    DatabaseFingerprint(JdbcClient jdbc) {
        this.jdbc = jdbc;
        Map<String, List<String>> columns = new TreeMap<>();
        jdbc.sql("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
                        + " ORDER BY table_name, ordinal_position")
                .query((rs, n) -> new String[]{rs.getString(1), rs.getString(2)}).list().stream()
                .filter(c -> !SKIPPED_TABLES.contains(c[0]) && !SKIPPED_COLUMNS.contains(c[0] + "." + c[1]))
                .forEach(c -> columns.computeIfAbsent(c[0], t -> new java.util.ArrayList<>()).add('"' + c[1] + '"'));
        query = columns.entrySet().stream()
                .map(e -> "SELECT '" + e.getKey() + "' AS t, md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), ''))"
                        + " AS h FROM (SELECT " + String.join(", ", e.getValue()) + " FROM \"" + e.getKey() + "\") r")
                .collect(Collectors.joining(" UNION ALL "));
    }

    Map<String, String> take() {
        Map<String, String> hashes = new TreeMap<>();
        jdbc.sql(query).query((rs, n) -> hashes.put(rs.getString("t"), rs.getString("h"))).list();
        return hashes;
    }

    /** The tables whose rows differ between two fingerprints. */
    static Set<String> changed(Map<String, String> before, Map<String, String> after) {
        Set<String> tables = new TreeSet<>(before.keySet());
        tables.addAll(after.keySet());
        tables.removeIf(t -> java.util.Objects.equals(before.get(t), after.get(t)));
        return tables;
    }
}

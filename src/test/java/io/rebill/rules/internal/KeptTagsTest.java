package io.rebill.rules.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.rebill.shared.duckdb.DuckSql.execute;
import static io.rebill.shared.duckdb.DuckSql.one;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the kept lines' tag dictionary ({@link KeptTags}) takes its sets from: the sets the run's tag aggregate kept
 * from its sums by tag list ({@link TagAggregate#releaseLines}) when it ran, the stored lines of the period otherwise.
 */
class KeptTagsTest {
    @TempDir
    Path dir;

    @Test
    void theDictionaryIsTheSetsTheTagAggregateKeptAndOtherwiseThePeriodsDistinctTagSets() throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            execute(duck, "CREATE TABLE stored AS SELECT CASE WHEN i % 10 = 0 THEN '2026-08' ELSE '2026-09' END AS"
                    + " billing_period, CASE WHEN i % 10 = 0 THEN [{'key': 'august', 'value': 'only'}]"
                    + " WHEN i % 4 = 0 THEN NULL ELSE [{'key': 'team', 'value': 'team-' || (i % 3)}] END AS tags,"
                    + " 'acme' AS customer_id FROM range(200) t(i)");
            // no tag aggregate ran: the period's own sets, once each (lines without tags: one NULL entry)
            try (KeptTags tags = KeptTags.create(duck, "stored", "2026-09")) {
                tags.write(java.nio.file.Files.createDirectories(dir.resolve("stored")));
            }
            assertThat(sets(duck, dir.resolve("stored"))).containsExactly("NULL", "[{'key': team, 'value': team-0}]",
                    "[{'key': team, 'value': team-1}]", "[{'key': team, 'value': team-2}]");

            // the tag aggregate's sums by tag list, released with their sets kept (one line per set and day here)
            execute(duck, "CREATE TEMP TABLE rb_tag_lines AS SELECT tags, i % 2 AS day, count(*) AS n_lines"
                    + " FROM (SELECT * FROM stored WHERE billing_period = '2026-09' AND tags IS NOT NULL"
                    + " AND tags[1].value <> 'team-2') s, range(2) t(i) GROUP BY ALL");
            TagAggregate.releaseLines(duck, true);
            assertThat(one(duck, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'rb_tag_lines'"))
                    .isEqualTo("0");
            try (KeptTags tags = KeptTags.create(duck, "stored", "2026-09")) {
                tags.write(java.nio.file.Files.createDirectories(dir.resolve("aggregate")));
            }
            // the sets it kept, not the stored lines' (team-2 and the NULL were left out of these sums on purpose)
            assertThat(sets(duck, dir.resolve("aggregate"))).containsExactly("[{'key': team, 'value': team-0}]",
                    "[{'key': team, 'value': team-1}]");
            // and used once: the next dictionary of this connection reads the stored lines again
            assertThat(one(duck, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'rb_tag_sets'"))
                    .isEqualTo("0");
            try (KeptTags tags = KeptTags.create(duck, "stored", "2026-09")) {
                tags.write(java.nio.file.Files.createDirectories(dir.resolve("again")));
            }
            assertThat(sets(duck, dir.resolve("again"))).hasSize(4);

            // released without keeping the sets (a run that keeps no lines): nothing is left for a dictionary
            execute(duck, "CREATE TEMP TABLE rb_tag_lines AS SELECT tags FROM stored");
            TagAggregate.releaseLines(duck, false);
            assertThat(one(duck, "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('rb_tag_lines',"
                    + " 'rb_tag_sets')")).isEqualTo("0");
        }
    }

    /** The dictionary's tag sets as text, in order, after checking each key is the set's hash. */
    private static List<String> sets(Connection duck, Path folder) throws SQLException {
        String file = "read_parquet('" + folder.resolve(KeptTags.FILE) + "')";
        assertThat(one(duck, "SELECT count(*) FROM " + file + " WHERE " + KeptTags.KEY + " <> hash(tags)"))
                .isEqualTo("0");
        List<String> sets = new ArrayList<>();
        try (Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(CAST(tags AS VARCHAR), 'NULL') AS t FROM " + file
                     + " ORDER BY t")) {
            while (rs.next()) {
                sets.add(rs.getString(1));
            }
        }
        return sets;
    }


}

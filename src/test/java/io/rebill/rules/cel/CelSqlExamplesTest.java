package io.rebill.rules.cel;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static io.rebill.rules.cel.CanonicalLine.aLine;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of spec §3 and docs/cel.md on five lines: the DuckDB SQL and the Java reference must both select
 * exactly the expected lines.
 */
class CelSqlExamplesTest {
    @TempDir
    static Path home;
    static Connection connection;
    static LineTable table;

    static final List<Map<String, Object>> LINES = List.of(
            // 0: Tuesday, even year, June
            aLine().region("us-east-1").service("AmazonEC2").chargeType("Usage").billed("10.5")
                    .start("2024-06-04T10:00:00").end("2024-06-04T11:00:00")
                    .tag("team", "platform").tag("env", "prod").build(),
            // 1: Tuesday, odd year, July; a cost just above 0.1
            aLine().region("us-east-2").service("AmazonS3").chargeType("Usage").billed("0.100000000000000000000001")
                    .start("2023-07-11T00:30:00").end("2023-07-11T01:30:00").tag("team", "data").build(),
            // 2: Sunday, odd year, August; no tags at all (NULL)
            aLine().region("eu-west-1").service("AmazonEC2").chargeType("Tax").billed("-3")
                    .start("2025-08-31T12:00:00").build(),
            // 3: Monday, odd year, May; no region, no cost, empty tags
            aLine().service("AWSSupport").chargeType("Fee")
                    .start("2021-05-31T23:59:59").emptyTags().build(),
            // 4: Thursday, odd year, June; exactly 0.1
            aLine().region("us-east-1").service("AmazonEC2").chargeType("DiscountedUsage").billed("0.1")
                    .start("2023-06-01T00:00:00").tag("env", "dev").build());

    @BeforeAll
    static void load() throws SQLException {
        connection = DuckDb.open(RebillSettings.at(home));
        table = new LineTable(connection);
        table.insert(LINES);
    }

    @AfterAll
    static void close() throws SQLException {
        connection.close();
    }

    @Test
    void specExampleUsEastOnTuesdays() throws SQLException {
        assertSelects("line.region_id.startsWith(\"us-east-\") && line.charge_period_start.getDayOfWeek() == 2",
                0, 1);
    }

    @Test
    void juneToAugustOfOddYears() throws SQLException {
        assertSelects("line.charge_period_start.getMonth() >= 5 && line.charge_period_start.getMonth() <= 7"
                + " && line.charge_period_start.getFullYear() % 2 == 1", 1, 2, 4);
    }

    @Test
    void tagPredicates() throws SQLException {
        assertSelects("line.tags['team'] == 'platform'", 0);
        assertSelects("'team' in line.tags", 0, 1);
        assertSelects("!('team' in line.tags)", 2, 3, 4);
        assertSelects("has(line.tags.env)", 0, 4);
        assertSelects("size(line.tags) == 0", 2, 3);
        assertSelects("has(line.tags)", 0, 1, 4);
        assertSelects("!has(line.tags)", 2, 3);
        assertSelects("line.tags['env'] in ['prod', 'dev'] && line.service_name == 'AmazonEC2'", 0, 4);
        // a missing tag is NULL: neither equal nor unequal
        assertSelects("line.tags['team'] != 'platform'", 1);
        assertSelects("line.tags['team'] == null", 2, 3, 4);
    }

    @Test
    void nullFieldsMakeComparisonsUnknownAndNotKeepsThemUnknown() throws SQLException {
        assertSelects("line.region_id != 'us-east-1'", 1, 2);
        assertSelects("!(line.region_id == 'us-east-1')", 1, 2);
        assertSelects("line.region_id == null", 3);
        assertSelects("has(line.region_id)", 0, 1, 2, 4);
        assertSelects("line.billed_cost > 0 || line.region_id == null", 0, 1, 3, 4);
        assertSelects("line.billed_cost < 0 && line.region_id == null");
        assertSelects("(line.billed_cost > 0) == false", 2);
        assertSelects("line.charge_period_end == null", 2, 3, 4);
        assertSelects("line.charge_period_start < line.charge_period_end", 0, 1);
    }

    @Test
    void decimalsAreExact() throws SQLException {
        assertSelects("line.billed_cost > 0.1", 0, 1);
        assertSelects("line.billed_cost == 0.1", 4);
        assertSelects("line.billed_cost == 0.10000", 4);
        assertSelects("line.billed_cost >= 0.100000000000000000000001", 0, 1);
        assertSelects("line.billed_cost * 3.0 == 31.5", 0);
        assertSelects("line.billed_cost * 2.0 - line.billed_cost == line.billed_cost", 0, 1, 2, 4);
        assertSelects("(line.x_charge_type == 'Tax' ? -line.billed_cost : line.billed_cost) > 1", 0, 2);
        assertSelects("line.billed_cost in [10.5, -3]", 0, 2);
    }

    @Test
    void stringFunctions() throws SQLException {
        assertSelects("line.service_name.matches('^Amazon(EC2|S3)$')", 0, 1, 2, 4);
        // CEL's matches() finds the pattern anywhere, as RE2 search does
        assertSelects("line.x_charge_type.matches('Usage')", 0, 1, 4);
        assertSelects("line.service_name.endsWith('EC2') && !line.x_charge_type.contains('Discount')", 0, 2);
        assertSelects("size(line.region_id) == 9", 0, 1, 2, 4);
    }

    @Test
    void timestampParts() throws SQLException {
        assertSelects("line.charge_period_start.getFullYear() in [2023, 2025]", 1, 2, 4);
        assertSelects("line.charge_period_start.getDate() == 31", 2, 3);
        assertSelects("line.charge_period_start.getDayOfMonth() == 30", 2, 3);
        assertSelects("line.charge_period_start.getHours() == 23 && line.charge_period_start.getMinutes() == 59", 3);
        assertSelects("line.charge_period_start.getDayOfWeek() == 0", 2);
        assertSelects("line.charge_period_start.getDayOfYear() == 0");
    }

    @Test
    void literalsAreBoundNeverWrittenIntoTheSql() throws SQLException {
        String evil = "x'); DROP TABLE lines; --";
        CompiledPredicate p = CelSql.compile("line.region_id == \"" + evil + "\" || line.billed_cost > 2.5");
        assertThat(p.sql()).doesNotContain("DROP").doesNotContain("2.5").contains("\"region_id\"", "\"billed_cost\"");
        assertThat(p.parameters()).containsExactly(evil, new BigDecimal("2.5"));
        assertThat(table.select(p)).containsExactly(0);
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM lines")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(LINES.size());
        }
    }

    @Test
    void theSqlIsNeverNull() {
        assertThat(CelSql.compile("line.region_id == 'a'").sql()).startsWith("COALESCE(").endsWith(", FALSE)");
    }

    @Test
    void referenceAcceptsTheExpressionDirectly() {
        assertThat(CelReference.evaluate("line.tags['team'] == 'data'", LINES.get(1))).isTrue();
        assertThat(CelReference.evaluate("line.tags['team'] == 'data'", LINES.get(0))).isFalse();
    }

    private static void assertSelects(String expression, Integer... expected) throws SQLException {
        CompiledPredicate predicate = CelSql.compile(expression);
        assertThat(LineTable.reference(predicate, LINES)).as("reference for %s", predicate).containsExactly(expected);
        assertThat(table.select(predicate)).as("DuckDB for %s", predicate).containsExactly(expected);
    }
}

package io.rebill.rules.cel;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The compiled SQL selects exactly the lines the Java reference accepts, for random conditions over random lines.
 * Plain JUnit with a seeded Random rather than jqwik: jqwik's engine is built on JUnit Platform 1 and this project
 * runs Platform 6. A failure names the seed, the condition, its SQL and a line on which the two disagree.
 */
class CelSqlPropertyTest {
    private static final long SEED = 20240604L;
    private static final int LINES = 250;
    private static final int CONDITIONS = 800;

    @TempDir
    Path home;

    @Test
    void sqlAndReferenceSelectTheSameLines() throws SQLException {
        ConditionGenerator generator = new ConditionGenerator(SEED);
        List<Map<String, Object>> lines = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            lines.add(generator.line());
        }
        int compiled = 0;
        int rejected = 0;
        long selected = 0;
        try (Connection connection = DuckDb.open(RebillSettings.at(home))) {
            LineTable table = new LineTable(connection);
            table.insert(lines);
            for (int i = 0; i < CONDITIONS; i++) {
                String condition = generator.condition(3);
                CompiledPredicate predicate;
                try {
                    predicate = CelSql.compile(condition);
                } catch (RebillException e) {
                    // the generator may build a product needing more than 30 places; nothing else may be rejected
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_EXPRESSION);
                    assertThat(e.getMessage()).as("seed %d: %s", SEED, condition).contains("this product needs");
                    rejected++;
                    continue;
                }
                compiled++;
                List<Integer> expected = LineTable.reference(predicate, lines);
                List<Integer> actual;
                try {
                    actual = table.select(predicate);
                } catch (SQLException e) {
                    throw new AssertionError("seed " + SEED + ": DuckDB failed on " + predicate, e);
                }
                if (!actual.equals(expected)) {
                    fail(disagreement(predicate, expected, actual, lines));
                }
                selected += expected.size();
            }
        }
        long combinations = (long) compiled * LINES;
        assertThat(compiled).as("conditions compiled").isGreaterThan(CONDITIONS * 9 / 10);
        assertThat(combinations).isGreaterThan(100_000);
        // the conditions discriminate: neither almost nothing nor almost everything matches
        assertThat(selected).isBetween(combinations / 10, combinations * 9 / 10);
        System.out.printf("CEL property: %d conditions x %d lines, %d rejected, %d of %d matched%n",
                compiled, LINES, rejected, selected, combinations);
    }

    private static String disagreement(CompiledPredicate predicate, List<Integer> expected, List<Integer> actual,
                                       List<Map<String, Object>> lines) {
        List<Integer> onlySql = new ArrayList<>(actual);
        onlySql.removeAll(expected);
        List<Integer> onlyReference = new ArrayList<>(expected);
        onlyReference.removeAll(actual);
        int example = !onlySql.isEmpty() ? onlySql.get(0) : onlyReference.get(0);
        return "seed " + SEED + ": " + predicate + "\nonly DuckDB selects " + onlySql
                + "\nonly the reference selects " + onlyReference + "\nline " + example + ": " + lines.get(example);
    }
}

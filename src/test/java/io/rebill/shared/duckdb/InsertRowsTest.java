package io.rebill.shared.duckdb;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static io.rebill.shared.duckdb.DuckSql.execute;
import static io.rebill.shared.duckdb.DuckSql.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DuckDb#insertRows}: every value arrives as it was given (text with quotes and commas, integers, a decimal of
 * 24 places, booleans, NULLs), through the row's own expressions, however many rows there are.
 */
class InsertRowsTest {
    @Test
    void everyRowArrivesWithItsExactValuesThroughTheRowsExpressions() throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            execute(duck, "CREATE TEMP TABLE t (name VARCHAR, position INTEGER, amount DECIMAL(38,24), shown BOOLEAN)");
            List<Object[]> rows = new ArrayList<>();
            rows.add(new Object[]{"O'Brien, \"Ltd\"", 7, new BigDecimal("-12.345678901234567890123456"), true});
            rows.add(new Object[]{null, null, null, null});
            for (int i = 0; i < 1_200; i++) {
                rows.add(new Object[]{"customer-" + i, i, new BigDecimal(i).movePointLeft(24), i % 2 == 0});
            }
            DuckDb.insertRows(duck, "t", "(?, CAST(? AS INTEGER) + 1, CAST(? AS DECIMAL(38,24)), ?)", rows);
            assertThat(one(duck, "SELECT count(*) || ' ' || count(name) || ' ' || sum(position) || ' ' || sum(amount)"
                    + " || ' ' || count(*) FILTER (WHERE shown) FROM t"))
                    .isEqualTo("1202 1201 720608 -12.345678901234567890123456 601".replace("-12.345678901234567890123456",
                            new BigDecimal("-12.345678901234567890123456").add(new BigDecimal(1_199 * 1_200 / 2)
                                    .movePointLeft(24)).toPlainString()));
            assertThat(one(duck, "SELECT name || '|' || position || '|' || amount FROM t WHERE position = 8"))
                    .isEqualTo("O'Brien, \"Ltd\"|8|-12.345678901234567890123456");
            assertThat(one(duck, "SELECT count(*) FROM t WHERE name IS NULL AND position IS NULL AND amount IS NULL"
                    + " AND shown IS NULL")).isEqualTo("1");
        }
    }

    @Test
    void aRowWithTheWrongNumberOfValuesIsRefusedAndNothingIsInserted() throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            execute(duck, "CREATE TEMP TABLE t (a VARCHAR, b INTEGER)");
            assertThatThrownBy(() -> DuckDb.insertRows(duck, "t", "(?, ?)", List.of(new Object[]{"x", 1},
                    new Object[]{"y"}))).hasMessageContaining("row 1 has 1 values for 2 parameters");
            DuckDb.insertRows(duck, "t", "(?, ?)", List.of());
            assertThat(one(duck, "SELECT count(*) FROM t")).isEqualTo("0");
        }
    }


}

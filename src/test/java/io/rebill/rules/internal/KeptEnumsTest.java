package io.rebill.rules.internal;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static io.rebill.shared.duckdb.DuckSql.execute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kept lines' ENUM types (RunLines): a text column with at most {@link KeptEnums#MAX_VALUES} distinct values in
 * the period becomes an ENUM of exactly those values in text order, found in one scan; a column with more, a column
 * without a value and a column that is not text stay as they are; values of another period are not counted.
 */
class KeptEnumsTest {
    @Test
    void theColumnsWithFewValuesInThePeriodBecomeEnumsOfExactlyThoseValuesInTextOrder() throws SQLException {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            execute(duck, "CREATE TABLE lines AS SELECT CASE WHEN i % 10 = 0 THEN '2026-08' ELSE '2026-09' END AS billing_period,"
                    + " CASE WHEN i % 10 = 0 THEN 'zz-august-only' ELSE 'acct-' || (i % 7) END AS sub_account_id,"
                    + " CASE WHEN i % 3 = 0 THEN NULL ELSE ['AmazonS3', 'AmazonEC2', 'AWSLambda'][1 + i % 3] END AS service_name,"
                    + " 'usage-' || i AS x_usage_type, CAST(NULL AS VARCHAR) AS region_id, i % 5 AS consumed_quantity,"
                    + " 'acme' AS customer_id FROM range(" + (KeptEnums.MAX_VALUES * 2 + 100) + ") t(i)");
            execute(duck, "CREATE TABLE customers AS SELECT * FROM (VALUES ('globex'), ('acme')) c(customer_id)");
            try (KeptEnums enums = KeptEnums.create(duck, "lines", "2026-09", List.of("customer_id", "sub_account_id",
                    "service_name", "x_usage_type", "region_id", "consumed_quantity"), "customers")) {
                assertThat(enums.columns()).containsExactly("sub_account_id", "service_name");
                assertThat(values(duck, "rb_kept_sub_account_id")).containsExactly("acct-0", "acct-1", "acct-2", "acct-3",
                        "acct-4", "acct-5", "acct-6");
                assertThat(values(duck, "rb_kept_service_name")).containsExactly("AWSLambda", "AmazonEC2");
                assertThat(values(duck, "rb_kept_customer_id")).containsExactly("acme", "globex");
                assertThat(enums.select("x_usage_type")).isEqualTo("x_usage_type");
                assertThat(enums.select("service_name")).isEqualTo("CAST(service_name AS rb_kept_service_name) AS service_name");
            }
        }
    }

    /** The ENUM's values in its own order. */
    private static List<String> values(Connection duck, String type) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT unnest(enum_range(NULL::" + type + "))")) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

}

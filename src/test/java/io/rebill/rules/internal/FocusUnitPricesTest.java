package io.rebill.rules.internal;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.duckdb.DuckDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL unit price of a FOCUS file ({@link FocusUnitPrices}) is the cost divided by the quantity, rounded half-up
 * at 24 places, exactly as {@link BigDecimal} divides: for costs and quantities as inputs and rules make them
 * (a tenth of a cent, a percentage of it, a quantity of 10 places, one parsed from a double, a very large or very
 * small one), and null where no non-negative price fits.
 */
class FocusUnitPricesTest {
    @TempDir
    Path dir;

    @Test
    void theUnitPriceIsTheCostOverTheQuantityRoundedHalfUpAt24Places() throws SQLException {
        List<String[]> pairs = new ArrayList<>(List.of(
                new String[]{"10.3", "100"},
                new String[]{"5.15", "720"},
                new String[]{"1.236", "10"},
                new String[]{"2", "3"},
                new String[]{"1", "6"},
                new String[]{"0.000000000000000000000001", "2"},
                new String[]{"0.000000000000000000000003", "2"},
                new String[]{"2.575", "86.95"},
                new String[]{"0.000000000000000000000014", "0.000000000000000000000007"},
                new String[]{"99999999999999.999999999999999999999999", "99999999999999.5"},
                new String[]{"1234.5678", "743.9999999999999"},
                new String[]{"0.0000412", "0.0000138889"},
                new String[]{"77.77", "123456789.1234567"},
                new String[]{"-0.01288992", "-0.001389"},
                new String[]{"0", "5"},
                new String[]{"0", "-5"},
                new String[]{"3.5", "12345678901234.5"}));
        Random random = new Random(12);
        for (int i = 0; i < 300; i++) {
            BigDecimal cost = BigDecimal.valueOf(random.nextLong(1, 1_000_000_000_000L), random.nextInt(0, 24));
            BigDecimal quantity = BigDecimal.valueOf(random.nextLong(1, 100_000_000_000_000L), random.nextInt(0, 24));
            if (cost.divide(quantity, 0, RoundingMode.DOWN).compareTo(BigDecimal.TEN.pow(14)) < 0) {
                pairs.add(new String[]{cost.toPlainString(), quantity.toPlainString()});
            }
        }
        try (Connection duck = DuckDb.open(RebillSettings.at(dir))) {
            for (String[] p : pairs) {
                BigDecimal expected = new BigDecimal(p[0]).abs().divide(new BigDecimal(p[1]).abs(), 24, RoundingMode.HALF_UP);
                assertThat(price(duck, p[0], p[1])).as("%s / %s", p[0], p[1]).isEqualByComparingTo(expected);
            }
        }
    }

    @Test
    void noPriceWhenNoNonNegativePriceTimesTheQuantityGivesTheCost() throws SQLException {
        try (Connection duck = DuckDb.open(RebillSettings.at(dir))) {
            assertThat(price(duck, "-0.5", "0")).as("a discount of its own with no quantity").isNull();
            assertThat(price(duck, "-0.515", "10")).as("a cost and a quantity of opposite signs").isNull();
            assertThat(price(duck, "4", "0")).as("a cost without a quantity").isNull();
            assertThat(price(duck, "0", "0")).as("no quantity at all").isNull();
            assertThat(price(duck, "99999999999999", "0.5")).as("a price of 10^14 or more does not fit").isNull();
            assertThat(price(duck, "1", "12345678901234.123456789012345678901234"))
                    .as("a quantity of more than 26 significant digits").isNull();
        }
    }

    private static BigDecimal price(Connection duck, String cost, String quantity) throws SQLException {
        String sql = "SELECT price FROM (" + FocusUnitPrices.withPrices(
                "(SELECT CAST(? AS DECIMAL(38,24)) AS c, CAST(? AS DECIMAL(38,24)) AS q)", "q", Map.of("c", "price")) + ")";
        try (PreparedStatement ps = duck.prepareStatement(sql)) {
            ps.setString(1, cost);
            ps.setString(2, quantity);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }
}

package io.rebill.shared.money;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The forecast method of docs/costs.md: complete days' pace times the month's days, plus charges and credits. */
class ForecastTest {
    static final YearMonth DECEMBER = YearMonth.of(2026, 12);

    private static Map<LocalDate, BigDecimal> days(String... amounts) {
        Map<LocalDate, BigDecimal> m = new TreeMap<>();
        for (int i = 0; i < amounts.length; i++) {
            m.put(DECEMBER.atDay(i + 1), new BigDecimal(amounts[i]));
        }
        return m;
    }

    @Test
    void aMonthUnderWayIsItsCompleteDaysPaceTimesItsDaysPlusItsChargesLeavingOutTheLatestDay() {
        // days 1-5 complete at 10.00 a day, day 6 still filling (3.00): 50.00 / 5 x 31 = 310.00, + fee 100 - credit 5
        Forecast f = new Forecast(DECEMBER, days("10", "10", "10", "10", "10", "3"), new BigDecimal("95"),
                LocalDate.of(2026, 12, 6));
        assertThat(f.complete()).isFalse();
        assertThat(f.value().orElseThrow().stripTrailingZeros().toPlainString()).isEqualTo("405");
    }

    @Test
    void aMonthThatIsOverIsItsOwnFigure() {
        Forecast f = new Forecast(DECEMBER, days("10", "20.005"), new BigDecimal("100"), LocalDate.of(2027, 1, 2));
        assertThat(f.complete()).isTrue();
        assertThat(f.value().orElseThrow().stripTrailingZeros().toPlainString()).isEqualTo("130.005");
    }

    @Test
    void withoutACompleteDayThereIsNoForecast() {
        assertThat(new Forecast(DECEMBER, days("10"), BigDecimal.ZERO, LocalDate.of(2026, 12, 1)).value()).isEmpty();
        assertThat(new Forecast(DECEMBER, days(), BigDecimal.ZERO, LocalDate.of(2026, 12, 1)).value()).isEmpty();
    }
}

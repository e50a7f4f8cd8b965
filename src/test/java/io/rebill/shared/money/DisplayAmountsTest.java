package io.rebill.shared.money;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class DisplayAmountsTest {
    @Test
    void roundsHalfUpToCentsWithThousandsSeparatorsAndTheCurrencyInFront() {
        assertThat(DisplayAmounts.display(new BigDecimal("12345.675"), "USD")).isEqualTo("USD 12,345.68");
        assertThat(DisplayAmounts.display(new BigDecimal("-1234567.5"), "EUR")).isEqualTo("EUR -1,234,567.50");
        assertThat(DisplayAmounts.display(new BigDecimal("0.123456789012345678901234"), "USD")).isEqualTo("USD 0.12");
        assertThat(DisplayAmounts.display(new BigDecimal("999"), "")).isEqualTo("999.00");
    }

    @Test
    void countsHaveSeparatorsAndTheSign() {
        assertThat(DisplayAmounts.count(0)).isEqualTo("0");
        assertThat(DisplayAmounts.count(1234567)).isEqualTo("1,234,567");
        assertThat(DisplayAmounts.count(-1000)).isEqualTo("-1,000");
        assertThat(DisplayAmounts.count(Long.MIN_VALUE)).isEqualTo("-9,223,372,036,854,775,808");
    }

    @Test
    void theTextDoesNotDependOnTheMachinesLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(DisplayAmounts.display(new BigDecimal("1234.5"), "USD")).isEqualTo("USD 1,234.50");
        } finally {
            Locale.setDefault(before);
        }
    }
}

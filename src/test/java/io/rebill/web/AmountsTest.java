package io.rebill.web;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class AmountsTest {
    @Test
    void roundsHalfUpToTwoDecimalsWithThousandsSeparators() {
        assertThat(Amounts.display(new BigDecimal("1234567.895"))).isEqualTo("1,234,567.90");
        assertThat(Amounts.display(new BigDecimal("999.994999999999"))).isEqualTo("999.99");
        assertThat(Amounts.display(new BigDecimal("100"))).isEqualTo("100.00");
        assertThat(Amounts.display(new BigDecimal("123456"))).isEqualTo("123,456.00");
        assertThat(Amounts.display(new BigDecimal("0.005"))).isEqualTo("0.01");
    }

    @Test
    void keepsTheSignAndDropsNegativeZero() {
        assertThat(Amounts.display(new BigDecimal("-1234.5"))).isEqualTo("-1,234.50");
        assertThat(Amounts.display(new BigDecimal("-0.004"))).isEqualTo("0.00");
        assertThat(Amounts.display(new BigDecimal("-0.005"))).isEqualTo("-0.01");
    }

    @Test
    void exactIsPlainDigits() {
        assertThat(Amounts.exact(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(Amounts.count(1234567)).isEqualTo("1,234,567");
    }
}

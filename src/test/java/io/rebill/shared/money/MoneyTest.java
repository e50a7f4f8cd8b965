package io.rebill.shared.money;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Money's currency is an ISO 4217 code (three letters A to Z) and its arithmetic never mixes two currencies. */
class MoneyTest {
    @Test
    void aCurrencyIsThreeCapitalLettersAToZ() {
        assertThat(Money.of("12.50", "EUR").currency()).isEqualTo("EUR");
        assertThat(Money.of("0", "AZZ").currency()).isEqualTo("AZZ");
        for (String bad : new String[] {"usd", "US", "USDX", "", "U$D", "US ", "@AA", "[AA", "ÄUR", "ＵＳＤ"}) {
            assertThatThrownBy(() -> Money.of(BigDecimal.ONE, bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ISO 4217");
        }
    }

    @Test
    void sumsStayExactAndInOneCurrency() {
        Money sum = Money.of("0.10", "USD").plus(Money.of("0.20", "USD")).minus(Money.of("0.05", "USD"));
        assertThat(sum.amount().toPlainString()).isEqualTo("0.25");
        assertThatThrownBy(() -> sum.plus(Money.of("1", "EUR"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot combine USD and EUR");
    }
}

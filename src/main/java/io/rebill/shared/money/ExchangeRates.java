package io.rebill.shared.money;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rates at which lines in another currency are converted into the MSP's billing currency {@code currency}
 * (issue 13 item 6): one rate per source currency and billing period, an exact decimal meaning "1 unit of
 * {@code from} is {@code rate} units of {@code currency}". The MSP maintains them (the rates feature); a bill run
 * reads them through its configuration.
 */
public record ExchangeRates(String currency, List<Rate> rates) {
    /** Rates carry at most this many decimal places, so that a converted cost stays exact at the canonical scale. */
    public static final int MAX_RATE_SCALE = 10;

    public ExchangeRates {
        // in one order (currency, then period) whatever order they were entered in: two configurations with the same
        // rates are equal, and msp.yaml writes them so
        rates = rates.stream().sorted(java.util.Comparator.comparing(Rate::from).thenComparing(Rate::period)).toList();
        // a configuration without rates keeps whatever currency it names; rates need a code to convert into
        currency = rates.isEmpty() ? Objects.requireNonNull(currency, "currency") : checkCurrency(currency, "currency");
    }

    public static ExchangeRates none(String currency) {
        return new ExchangeRates(currency, List.of());
    }

    /** The rate from {@code from} into {@code currency()} for {@code period}, if the MSP entered one. */
    public Optional<BigDecimal> rate(String from, BillingPeriod period) {
        return rates.stream().filter(r -> r.from().equals(from) && r.period().equals(period)).map(Rate::rate)
                .findFirst();
    }

    /** Only the rates of {@code period}: what a bill of that period uses, and what its run pins. */
    public ExchangeRates of(BillingPeriod period) {
        return new ExchangeRates(currency, rates.stream().filter(r -> r.period().equals(period)).toList());
    }

    public record Rate(String from, BillingPeriod period, BigDecimal rate) {
        public Rate {
            from = checkCurrency(from, "from_currency");
            Objects.requireNonNull(period, "period");
            if (rate == null || rate.signum() <= 0) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "rate of " + from + " for " + period
                        + " must be a decimal above 0, e.g. 1.0825, was " + rate);
            }
            rate = rate.stripTrailingZeros();
            if (rate.scale() > MAX_RATE_SCALE || rate.precision() - rate.scale() > 12) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "rate of " + from + " for " + period + " ("
                        + rate.toPlainString() + ") has more than " + MAX_RATE_SCALE
                        + " decimal places or 12 integer digits");
            }
            if (rate.scale() < 0) {
                rate = rate.setScale(0);
            }
        }
    }

    /** An ISO 4217 code in capitals (USD, EUR); a validated code is safe to write into SQL text. */
    public static String checkCurrency(String code, String field) {
        String c = code == null ? "" : code.strip();
        if (!c.matches("[A-Z]{3}")) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, field + " '" + code
                    + "' is not an ISO 4217 currency code in capitals, e.g. USD or EUR");
        }
        return c;
    }
}

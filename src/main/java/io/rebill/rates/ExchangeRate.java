package io.rebill.rates;

import io.rebill.shared.time.BillingPeriod;

import java.math.BigDecimal;
import java.time.Instant;

/** A rate the MSP entered: 1 {@code from} = {@code rate} units of {@code to} (the MSP's currency) in {@code period}. */
public record ExchangeRate(String from, String to, BillingPeriod period, BigDecimal rate, Instant createdAt,
                           String createdBy) {
}

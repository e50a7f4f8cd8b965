package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.invoicing.BillRuns;
import io.rebill.rates.ExchangeRate;
import io.rebill.rates.ExchangeRateBook;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The MSP's exchange rates (issue 13 item 6): the MSP bills in its account's currency; a line in another currency is
 * converted at the rate entered here for its billing period. A change is billing configuration: the open periods
 * bill again.
 */
@RestController
@RequestMapping("/api/v1/exchange_rates")
class ExchangeRatesApi {
    private final ExchangeRateBook book;
    private final BillRuns billRuns;

    ExchangeRatesApi(ExchangeRateBook book, BillRuns billRuns) {
        this.book = book;
        this.billRuns = billRuns;
    }

    /** Rates leave the API as exact decimal strings, never JSON numbers. */
    record RateJson(String fromCurrency, String toCurrency, String period, String rate, Instant createdAt,
                    String createdBy) {
        static RateJson of(ExchangeRate r) {
            return new RateJson(r.from(), r.to(), r.period().toString(), r.rate().toPlainString(), r.createdAt(),
                    r.createdBy());
        }
    }

    record RatesJson(String currency, List<RateJson> rates) {
    }

    record NewRate(String rate) {
    }

    @GetMapping
    RatesJson list(Actor actor) {
        return new RatesJson(book.currency(actor), book.list(actor).stream().map(RateJson::of).toList());
    }

    /** Enters or replaces the rate: {@code PUT /exchange_rates/EUR/2024-09 {"rate": "1.0825"}}. */
    @PutMapping("/{from}/{period}")
    RateJson put(Actor actor, @PathVariable String from, @PathVariable String period, @RequestBody NewRate body) {
        ExchangeRate saved = book.set(actor, from, BillingPeriod.parse(period), decimal(body == null ? null : body.rate()));
        billRuns.configurationChanged(actor.requireMsp());
        return RateJson.of(saved);
    }

    @DeleteMapping("/{from}/{period}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable String from, @PathVariable String period) {
        book.delete(actor, from, BillingPeriod.parse(period));
        billRuns.configurationChanged(actor.requireMsp());
        return ResponseEntity.noContent().build();
    }

    static BigDecimal decimal(String rate) {
        if (rate == null || rate.isBlank()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "rate is required, as a decimal string, e.g. \"1.0825\"");
        }
        try {
            return new BigDecimal(rate.strip());
        } catch (NumberFormatException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "rate '" + rate + "' is not a decimal number, e.g. 1.0825");
        }
    }
}

package io.rebill.web.portal;

import io.rebill.identity.AuditLog;
import io.rebill.invoicing.BillRuns;
import io.rebill.rates.ExchangeRateBook;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The rates feature as a bean; bill runs read the MSP's rates from it (issue 13 item 6). */
@Configuration(proxyBeanMethods = false)
class ExchangeRatesConfiguration {
    @Bean
    ExchangeRateBook exchangeRateBook(JdbcClient jdbc, AuditLog audit, BillRuns billRuns) {
        ExchangeRateBook book = new ExchangeRateBook(jdbc, audit);
        billRuns.exchangeRatesFrom(book::ratesFor);
        return book;
    }
}

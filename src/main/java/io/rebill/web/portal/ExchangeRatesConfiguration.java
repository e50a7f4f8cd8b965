package io.rebill.web.portal;

import io.rebill.identity.AuditLog;
import io.rebill.invoicing.BillRuns;
import io.rebill.rates.ExchangeRateBook;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The rates feature as a bean; bill runs read the MSP's rates from it, msp.yaml export and import too (issue 13 item 6). */
@Configuration(proxyBeanMethods = false)
class ExchangeRatesConfiguration {
    @Bean
    ExchangeRateBook exchangeRateBook(JdbcClient jdbc, AuditLog audit, BillRuns billRuns,
                                      io.rebill.billingconfig.BillingRules billingRules) {
        ExchangeRateBook book = new ExchangeRateBook(jdbc, audit);
        billRuns.exchangeRatesFrom(book::ratesFor);
        billingRules.useExchangeRates(book);
        return book;
    }
}

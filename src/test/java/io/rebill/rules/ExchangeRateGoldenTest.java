package io.rebill.rules;

import io.rebill.invoicing.InvoiceAssembly;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LineItemFixture;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.TestFiles;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.money.ExchangeRates;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.rules.GoldenBills.SEPT;
import static io.rebill.rules.GoldenBills.customer;
import static io.rebill.rules.GoldenBills.d;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13 item 6: an MSP billing in USD with a source in EUR. Lines are converted at the MSP's rate for the period
 * before any rule; invoice lines are rounded once, at the end (spec §4). Every expected amount is worked out below.
 */
class ExchangeRateGoldenTest {
    @TempDir
    Path dir;

    private static final List<LineItemFixture> LINES = List.of(
            aLineItem().account("111111111111").currency("EUR").cost("100.00").list("100.00", "100.00"),
            aLineItem().account("111111111111").currency("EUR").product("AmazonS3", "Amazon Simple Storage Service")
                    .cost("10.005").list("10.005", "10.005"),
            aLineItem().account("111111111111").currency("USD").product("AWSLambda", "AWS Lambda")
                    .cost("0.40").list("0.40", "0.40"),
            aLineItem().account("222222222222").currency("EUR").cost("50.00").list("50.00", "50.00"));

    private static MspConfig config(String... rates) {
        List<ExchangeRates.Rate> list = java.util.Arrays.stream(rates)
                .map(r -> new ExchangeRates.Rate("EUR", SEPT, d(r))).toList();
        return new MspConfig("MSP", "USD",
                List.of(new Customer("acme", "Acme", "a@acme.test", List.of("111111111111"), Optional.empty()),
                        new Customer("globex", "Globex", "g@globex.test", List.of("222222222222"), Optional.empty())),
                List.of(new Rule.Uplift("up3", "Uplift 3 %", Scope.EVERYTHING, d("3"))),
                List.of(new Workflow("w", "W", Workflow.Basis.EFFECTIVE, List.of("up3"))),
                List.of(new Assignment("acme", "w", SEPT), new Assignment("globex", "w", SEPT)))
                .withExchangeRates(new ExchangeRates("USD", list));
    }

    private Ingested ingest() {
        RebillSettings settings = RebillSettings.at(dir.resolve("home"));
        Ingestion ingestion = new Ingestion(settings);
        ingestion.ingest("payer", List.of(TestFiles.curCsv(LINES, dir.resolve("cur.csv"))), ProgressListener.silent());
        return new Ingested(InvoiceAssembly.billing(settings, RuleKindsGoldenTest.NO_CEL), ingestion.lineItemFiles("payer", SEPT));
    }

    private record Ingested(Billing billing, List<Path> files) {
    }

    private static List<String> invoice(CustomerBill b) {
        return b.invoice().stream().map(l -> l.service() + " " + l.amount().toPlainString()).toList();
    }

    @Test
    void aEuroSourceIsBilledInDollarsToTheCent() {
        Ingested in = ingest();
        BillResult r = in.billing().bill(config("1.0825"), SEPT, in.files(), Optional.empty(), m -> { });
        CustomerBill acme = customer(r, "acme");
        // EC2 100.00 EUR x 1.0825 = 108.25 USD, + 3 % = 111.4975 -> 111.50
        // S3 10.005 EUR x 1.0825 = 10.8304125 USD, + 3 % = 11.155324875 -> 11.16
        // Lambda 0.40 USD (already the MSP's currency) + 3 % = 0.412 -> 0.41
        assertThat(acme.currency()).isEqualTo("USD");
        assertThat(invoice(acme)).containsExactlyInAnyOrder("Amazon Elastic Compute Cloud 111.50",
                "Amazon Simple Storage Service 11.16", "AWS Lambda 0.41");
        assertThat(acme.invoiceTotal().toPlainString()).isEqualTo("123.07");
        // cost before rules, in USD: 108.25 + 10.8304125 + 0.40
        assertThat(acme.cost().stripTrailingZeros().toPlainString()).isEqualTo("119.4804125");
        // Globex: 50.00 EUR x 1.0825 = 54.125 USD, + 3 % = 55.74875 -> 55.75
        CustomerBill globex = customer(r, "globex");
        assertThat(invoice(globex)).containsExactly("Amazon Elastic Compute Cloud 55.75");
        assertThat(globex.currency()).isEqualTo("USD");
        // reconciliation holds in the MSP's currency: customers' cost = the converted ingested total
        assertThat(r.reconciles()).isTrue();
    }

    @Test
    void aChangedRateBillsAgainAtTheNewRate() {
        Ingested in = ingest();
        BillResult r = in.billing().bill(config("1.10"), SEPT, in.files(), Optional.empty(), m -> { });
        // 50.00 EUR x 1.10 = 55.00 USD, + 3 % = 56.65
        assertThat(invoice(customer(r, "globex"))).containsExactly("Amazon Elastic Compute Cloud 56.65");
        // 100.00 x 1.10 = 110.00 + 3 % = 113.30; 10.005 x 1.10 = 11.0055 + 3 % = 11.335665 -> 11.34; 0.41
        assertThat(customer(r, "acme").invoiceTotal().toPlainString()).isEqualTo("125.05");
    }

    @Test
    void aPeriodWithoutTheRateIsRefusedNamingTheRateToEnter() {
        Ingested in = ingest();
        MspConfig other = new MspConfig("MSP", "USD", config().customers(), config().rules(), config().workflows(),
                config().assignments()).withExchangeRates(new ExchangeRates("USD",
                List.of(new ExchangeRates.Rate("EUR", BillingPeriod.parse("2024-08"), d("1.09")))));
        assertThatThrownBy(() -> in.billing().bill(other, SEPT, in.files(), Optional.empty(), m -> { }))
                .isInstanceOf(RebillException.class)
                .hasMessageContaining("enter the rate from EUR to USD for 2024-09");
    }

    @Test
    void explainShowsTheRateUsedInTheLineage() {
        Ingested in = ingest();
        // the first line of the file: EC2 100.00 EUR
        Explanation e = in.billing().explain(config("1.0825"), SEPT, in.files(), "payer/part-00000-0");
        assertThat(e.steps()).hasSize(2);
        Explanation.Step conversion = e.steps().getFirst();
        assertThat(conversion.ruleId()).isEqualTo("exchange_rate: 1 EUR = 1.0825 USD (2024-09)");
        assertThat(conversion.before().stripTrailingZeros().toPlainString()).isEqualTo("100");
        assertThat(conversion.after().stripTrailingZeros().toPlainString()).isEqualTo("108.25");
        assertThat(e.steps().get(1).after().stripTrailingZeros().toPlainString()).isEqualTo("111.4975");
    }
}

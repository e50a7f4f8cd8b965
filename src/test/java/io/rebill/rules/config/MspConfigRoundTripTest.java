package io.rebill.rules.config;

import io.rebill.rules.Assignment;
import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Scope;
import io.rebill.rules.Workflow;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What the portal exports reads back as the configuration it stored: parse(toYaml(c)) equals c. */
class MspConfigRoundTripTest {
    private static final FakeExpressionChecker CHECKER = new FakeExpressionChecker();

    @Test
    void theExampleRoundTrips() {
        MspConfig example = MspConfigFile.parse(MspConfigExampleTest.EXAMPLE, CHECKER);
        String yaml = MspConfigFile.toYaml(example);
        assertThat(MspConfigFile.parse("exported.yaml", yaml, CHECKER)).isEqualTo(example);
    }

    @Test
    void awkwardValuesRoundTrip() {
        MspConfig config = awkward();
        String yaml = MspConfigFile.toYaml(config);
        MspConfig back = MspConfigFile.parse("exported.yaml", yaml, CHECKER);
        assertThat(back).isEqualTo(config);
        // exactly the same decimals, scale included
        var discount = (Rule.Discount) back.rulesById().get("2024");
        assertThat(discount.percent().toString()).isEqualTo("3.10");
        assertThat(((Rule.RemoveFreeTier) back.rulesById().get("free")).priceList().get("123456").toPlainString())
                .isEqualTo("0.00000001");
        // a second export is the same text
        assertThat(MspConfigFile.toYaml(back)).isEqualTo(yaml);
    }

    @Test
    void exchangeRatesRoundTripExactlyAndAreWrittenOnlyWhenThereAreAny() {
        MspConfig config = MspConfigFile.parse("msp.yaml", """
                msp: {name: Euro Partner, currency: USD}
                exchange_rates:
                  - {from: GBP, period: 2026-10, rate: 1.2712}
                  - {from: EUR, period: 2026-10, rate: 1.08250}
                  - {from: EUR, period: 2026-09, rate: 1.1}
                """, CHECKER);
        String yaml = MspConfigFile.toYaml(config);

        // sorted by currency and period; a rate keeps its value, trailing zeros dropped as the portal stores it
        assertThat(yaml).endsWith("""
                exchange_rates:
                  - from: EUR
                    period: 2026-09
                    rate: 1.1
                  - from: EUR
                    period: 2026-10
                    rate: 1.0825
                  - from: GBP
                    period: 2026-10
                    rate: 1.2712
                """);
        MspConfig back = MspConfigFile.parse("exported.yaml", yaml, CHECKER);
        assertThat(back).isEqualTo(config);
        assertThat(back.exchangeRates().rate("EUR", BillingPeriod.parse("2026-10")).orElseThrow().toPlainString())
                .isEqualTo("1.0825");
        assertThat(MspConfigFile.toYaml(back)).isEqualTo(yaml);
        assertThat(MspConfigFile.toYaml(awkward())).doesNotContain("exchange_rates");
    }

    @Test
    void exportReadsLikeAHandWrittenFile() {
        String yaml = MspConfigFile.toYaml(awkward());
        assertThat(yaml).startsWith("# Billing configuration of 2024 Cloud (msp.yaml; every key is described in");
        assertThat(yaml).contains("""
                msp:
                  name: 2024 Cloud
                  currency: EUR
                customers:
                  - id: acme
                    name: 'yes'
                    accounts: ['012345678901', '111111111111']
                """);
        assertThat(yaml).contains("    percent: 3.10\n");
        assertThat(yaml).contains("    rules: []\n");
        // defaults stay out: the uplift's "all but Tax" is not written back
        assertThat(yaml).doesNotContain("charge_categories: [Usage, Purchase, Credit, Adjustment]");
    }

    private static MspConfig awkward() {
        Scope everything = Scope.EVERYTHING;
        Scope narrow = new Scope(List.of("AmazonEC2", "Amazon Simple Storage Service"), List.of("Compute"),
                List.of("Usage", "DiscountedUsage"), List.of("Usage", "Tax"), List.of("012345678901"),
                Optional.of("line.tags['a: b'] == \"#x\" && line.x_usage_type.contains(\"'\")"),
                Optional.of(BillingPeriod.parse("2025-01")), Optional.of(BillingPeriod.parse("2025-12")));
        List<Rule> rules = List.of(
                new Rule.Discount("2024", "yes", narrow, new BigDecimal("3.10")),
                new Rule.Uplift("up", "Uplift: 3 % # not a comment", everything.withChargeCategories(Keys.ALL_BUT_TAX),
                        new BigDecimal("3")),
                new Rule.Exclusion("ex", "Title\nover two lines", everything),
                new Rule.RemoveFreeTier("free", "Free tier", everything,
                        Map.of("123456", new BigDecimal("0.00000001"), "ABC", new BigDecimal("12"))),
                new Rule.ReplaceSpDiscount("sp", "SP", everything, List.of()),
                new Rule.Credit("credit", "Credit", new Scope(List.of(), List.of(), List.of(), List.of(), List.of(),
                        Optional.empty(), Optional.of(BillingPeriod.parse("2025-03")), Optional.empty()),
                        new Rule.Amount.Fixed(new BigDecimal("0.5")), Rule.Frequency.ONE_TIME,
                        new Rule.InvoiceLabel("true", Optional.empty(), Optional.of("null"))),
                new Rule.Charge("fee", "Fee", everything,
                        new Rule.Amount.PercentOfSubtotal(new BigDecimal("7.5"), Optional.empty()),
                        Rule.Frequency.MONTHLY, new Rule.InvoiceLabel("Managed services", Optional.of("Fee"),
                        Optional.empty())));
        return new MspConfig("2024 Cloud", "EUR",
                List.of(new Customer("acme", "yes", null, List.of("012345678901", "111111111111"), Optional.empty()),
                        new Customer("tagged", "Tagged", "a@b.example", List.of(),
                                Optional.of("line.tags['customer'] == 'tagged'"))),
                rules,
                List.of(new Workflow("empty", "At cost", Workflow.Basis.LIST, List.of()),
                        new Workflow("all", "All", Workflow.Basis.EFFECTIVE,
                                List.of("2024", "up", "ex", "free", "sp", "credit", "fee"))),
                List.of(new Assignment("acme", "all", BillingPeriod.parse("2025-01")),
                        new Assignment("tagged", "empty", BillingPeriod.parse("2025-02"))));
    }
}

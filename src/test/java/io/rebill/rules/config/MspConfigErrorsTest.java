package io.rebill.rules.config;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every kind of mistake in msp.yaml is reported as {@code file:line:column: what is wrong; what is expected}. Each
 * test writes the whole file, so the line and column in the expectation can be counted in the test itself.
 */
class MspConfigErrorsTest {
    private static final String MSP = "msp: {name: Example, currency: USD}\n";

    // ---- YAML itself ----

    @Test
    void syntaxError() {
        assertThat(problems("""
                msp:
                  name: Example
                   currency: USD
                """)).isEqualTo("msp.yaml:3:12: not valid YAML: mapping values are not allowed here");
    }

    @Test
    void moreThanOneDocument() {
        assertThat(problems(MSP + "---\nmsp: {}\n")).isEqualTo("msp.yaml:2:1: not valid YAML: expected a single"
                + " document in the stream but found another document");
    }

    @Test
    void numberAsAKey() {
        assertThat(problems(MSP + """
                rules:
                  - id: free
                    title: Free tier
                    kind: remove_free_tier
                    price_list: {12345: 0.5}
                """)).isEqualTo("msp.yaml:6:18: rule 'free' price_list: a key must be text; found the number 12345"
                + " (write it in quotes: '12345')");
    }

    @Test
    void emptyFile() {
        assertThat(problems("# nothing yet\n")).isEqualTo("msp.yaml:1:1: the file is empty; expected a map with"
                + " the keys msp, customers, rules, workflows, assignments, exchange_rates");
    }

    @Test
    void fileThatIsNotAMap() {
        assertThat(problems("- msp\n")).isEqualTo("msp.yaml:1:1: the file must be a map with the keys msp,"
                + " customers, rules, workflows, assignments, exchange_rates; found a list");
    }

    @Test
    void keyGivenTwice() {
        assertThat(problems("""
                msp:
                  name: Example
                  currency: USD
                  name: Other
                """)).isEqualTo("msp.yaml:4:3: msp: key 'name' appears twice (first on line 2); give each key once");
    }

    // ---- keys ----

    @Test
    void unknownKey() {
        assertThat(problems("""
                msp:
                  name: Example
                  currency: USD
                  colour: blue
                """)).isEqualTo("msp.yaml:4:3: msp: unknown key 'colour'; expected one of: name, currency");
    }

    @Test
    void unknownKeyWithASuggestion() {
        assertThat(problems(MSP + """
                customer:
                  - id: acme
                """)).isEqualTo("msp.yaml:2:1: top level: unknown key 'customer' (did you mean 'customers'?);"
                + " expected one of: msp, customers, rules, workflows, assignments, exchange_rates");
    }

    @Test
    void keyOfAnotherRuleKind() {
        assertThat(problems(MSP + """
                rules:
                  - id: uplift-3
                    title: Uplift 3 %
                    kind: uplift
                    percentage: 3
                """)).isEqualTo("""
                msp.yaml:3:5: rule 'uplift-3': missing required key 'percent'; expected percent: a number >= 0: how\
                 many percent to add, e.g. 3
                msp.yaml:6:5: rule 'uplift-3': key 'percentage' does not apply to a rule of kind uplift (only to\
                 adjustment); expected one of: id, title, kind, scope, when, start, end, percent""");
    }

    @Test
    void missingRequiredKey() {
        assertThat(problems(MSP + """
                customers:
                  - id: acme
                    accounts: ['111111111111']
                """)).isEqualTo("msp.yaml:3:5: customer 'acme': missing required key 'name'; expected name: text,"
                + " e.g. Acme Corporation");
    }

    @Test
    void requiredKeyWithoutValue() {
        assertThat(problems("""
                msp:
                  name:
                  currency: USD
                """)).isEqualTo("msp.yaml:2:3: msp: 'name' has no value; expected text, e.g. Example Cloud Services");
    }

    @Test
    void missingTopLevelMsp() {
        assertThat(problems("customers: []\n")).isEqualTo("msp.yaml:1:1: top level: missing required key 'msp';"
                + " expected msp: a map with name and currency, e.g. {name: Example Cloud, currency: EUR}");
    }

    // ---- types ----

    @Test
    void textWhereANumberBelongs() {
        assertThat(problems(MSP + """
                rules:
                  - id: uplift-3
                    title: Uplift 3 %
                    kind: uplift
                    percent: three
                """)).isEqualTo("msp.yaml:6:14: rule 'uplift-3': 'percent' must be a number >= 0: how many percent"
                + " to add, e.g. 3; found the text 'three'");
    }

    @Test
    void quotedNumber() {
        assertThat(problems(MSP + """
                rules:
                  - {id: uplift-3, title: Uplift 3 %, kind: uplift, percent: "3"}
                """)).isEqualTo("msp.yaml:3:62: rule 'uplift-3': 'percent' must be a number >= 0: how many percent"
                + " to add, e.g. 3; found the text '3'");
    }

    @Test
    void numberNotWrittenAsAPlainDecimal() {
        assertThat(problems(MSP + """
                rules:
                  - {id: uplift-3, title: Uplift 3 %, kind: uplift, percent: 3e0}
                """)).isEqualTo("msp.yaml:3:62: rule 'uplift-3': 'percent' must be a number >= 0: how many"
                + " percent to add, e.g. 3; found the number 3e0");
    }

    /** Issue 14 item 9: a percent of 1e60 (the API writes it out as 61 digits) is refused here, not by the bill. */
    @Test
    void aPercentOrAmountTooLargeToBillIsRefusedWithItsLine() {
        String huge = "1" + "0".repeat(60);
        assertThat(problems(MSP + """
                rules:
                  - {id: uplift-3, title: Uplift 3 %, kind: uplift, percent: HUGE}
                """.replace("HUGE", huge))).isEqualTo("msp.yaml:3:62: rule 'uplift-3': 'percent' is 61 digits long;"
                + " a percent can be at most 1000000 to be billed");
        assertThat(problems(MSP + """
                rules:
                  - {id: cap, title: Cap, kind: adjustment, percentage: 1000000.5}
                """)).isEqualTo("msp.yaml:3:57: rule 'cap': 'percentage' is 7 digits long;"
                + " a percent can be at most 1000000 to be billed");
        // the largest billable values are accepted
        MspConfigFile.parse("msp.yaml", MSP + """
                rules:
                  - {id: uplift-3, title: Uplift 3 %, kind: uplift, percent: 1000000}
                """, new FakeExpressionChecker());
    }

    @Test
    void listWhereAMapBelongs() {
        assertThat(problems("msp: [Example, USD]\n")).isEqualTo("msp.yaml:1:6: top level: 'msp' must be a map with"
                + " name and currency, e.g. {name: Example Cloud, currency: EUR}; found a list");
    }

    @Test
    void textWhereAListBelongs() {
        assertThat(problems(MSP + """
                rules:
                  - id: ec2-off
                    title: EC2 excluded
                    kind: exclusion
                    scope:
                      services: AmazonEC2
                """)).isEqualTo("msp.yaml:7:17: rule 'ec2-off' scope: 'services' must be a list of service names,"
                + " e.g. [AmazonEC2]; found the text 'AmazonEC2'");
    }

    @Test
    void yesNoWhereTextBelongs() {
        assertThat(problems("""
                msp:
                  name: yes
                  currency: USD
                """)).isEqualTo("msp.yaml:2:9: msp: 'name' must be text, e.g. Example Cloud Services; found the"
                + " yes/no value yes");
    }

    @Test
    void unknownKind() {
        assertThat(problems(MSP + """
                rules:
                  - {id: up, title: Up, kind: uplfit, percent: 3}
                """)).isEqualTo("msp.yaml:3:31: rule 'up': 'kind' must be one of exclusion, adjustment, uplift,"
                + " discount, replace_ri_discount, replace_sp_discount, rerate_to_list, remove_free_tier, charge,"
                + " credit; found the text 'uplfit' (did you mean 'uplift'?)");
    }

    @Test
    void unknownChargeCategory() {
        assertThat(problems(MSP + """
                rules:
                  - id: usage-off
                    title: No usage
                    kind: exclusion
                    scope: {charge_categories: [usage]}
                """)).isEqualTo("msp.yaml:6:33: rule 'usage-off' scope: each item of 'charge_categories' must be"
                + " one of Usage, Purchase, Tax, Credit, Adjustment; found the text 'usage'");
    }

    @Test
    void currencyThatIsNoCurrency() {
        assertThat(problems("msp: {name: Example, currency: usd}\n")).isEqualTo("msp.yaml:1:32: msp: 'currency'"
                + " must be an ISO 4217 currency code in capitals, e.g. USD or EUR; found the text 'usd'");
    }

    // ---- values ----

    @Test
    void negativePercentage() {
        assertThat(problems(MSP + """
                rules:
                  - id: cloudfront
                    title: CloudFront re-rated
                    kind: adjustment
                    percentage: -10
                """)).isEqualTo("msp.yaml:6:17: rule 'cloudfront': 'percentage' must be a number >= 0: the percentage"
                + " of the cost the customer sees, e.g. 75.0; found the number -10");
    }

    @Test
    void discountOfMoreThanAllOfIt() {
        assertThat(problems(MSP + """
                rules:
                  - {id: free, title: Free, kind: discount, percent: 120}
                """)).isEqualTo("msp.yaml:3:54: rule 'free': 'percent' must be a number from 0 to 100: how many"
                + " percent to take off, e.g. 2; found the number 120 (to give back more than the cost, use a credit)");
    }

    @Test
    void periodNotOfTheFormYearMonth() {
        assertThat(problems(MSP + """
                rules:
                  - id: summer
                    title: Summer
                    kind: exclusion
                    start: 2025-6
                    end: 2025-08-31
                """)).isEqualTo("""
                msp.yaml:6:12: rule 'summer': 'start' must be a billing period of the form YYYY-MM, e.g. 2025-06;\
                 found the text '2025-6'
                msp.yaml:7:10: rule 'summer': 'end' must be a billing period of the form YYYY-MM, e.g. 2025-06;\
                 found the date 2025-08-31""");
    }

    @Test
    void endBeforeStart() {
        assertThat(problems(MSP + """
                rules:
                  - {id: summer, title: Summer, kind: exclusion, start: 2025-08, end: 2025-06}
                """)).isEqualTo("msp.yaml:3:71: rule 'summer': 'end' 2025-06 is before 'start' 2025-08; expected a"
                + " period on or after start (both are included)");
    }

    @Test
    void idNotOfTheAllowedCharacters() {
        assertThat(problems(MSP + """
                rules:
                  - {id: Uplift 3, title: Uplift, kind: uplift, percent: 3}
                """)).isEqualTo("msp.yaml:3:10: rule #1: 'id' must be 1-64 characters of a-z, 0-9, '_' or '-' (not"
                + " starting with '_' or '-'), e.g. acme-corp; found the text 'Uplift 3'");
    }

    @Test
    void badContactEmail() {
        assertThat(problems(MSP + """
                customers:
                  - {id: acme, name: Acme, contact_email: billing, accounts: ['111111111111']}
                """)).isEqualTo("msp.yaml:3:43: customer 'acme': 'contact_email' must be an email address, e.g."
                + " billing@acme.example; found the text 'billing'");
    }

    @Test
    void customerThatClaimsNothing() {
        assertThat(problems(MSP + """
                customers:
                  - id: acme
                    name: Acme
                    accounts: []
                """)).isEqualTo("msp.yaml:3:5: customer 'acme': claims no lines; expected accounts: a list of its"
                + " linked account ids, or match: a CEL expression over line, e.g. line.tags['customer'] == 'acme'");
    }

    // ---- charges and credits ----

    @Test
    void chargeWithBothAmountAndPercent() {
        assertThat(problems(MSP + """
                rules:
                  - id: fee
                    title: Fee
                    kind: charge
                    amount: 100
                    percent_of_subtotal: 5
                    frequency: monthly
                    invoice: {service: Managed services}
                """)).isEqualTo("msp.yaml:7:5: rule 'fee': give either 'amount' or 'percent_of_subtotal', not both");
    }

    @Test
    void chargeWithNeitherAmountNorPercent() {
        assertThat(problems(MSP + """
                rules:
                  - id: fee
                    title: Fee
                    kind: charge
                    frequency: monthly
                    invoice: {service: Managed services}
                """)).isEqualTo("msp.yaml:3:5: rule 'fee': missing required key 'amount' or 'percent_of_subtotal';"
                + " expected amount: a sum >= 0 in the MSP's currency, e.g. 250.00, or percent_of_subtotal: a number"
                + " >= 0: the percentage of the customer's subtotal, e.g. 5");
    }

    @Test
    void minimumWithoutPercent() {
        assertThat(problems(MSP + """
                rules:
                  - id: fee
                    title: Fee
                    kind: charge
                    amount: 100
                    minimum: 50
                    frequency: monthly
                    invoice: {service: Managed services}
                """)).isEqualTo("msp.yaml:7:5: rule 'fee': 'minimum' applies only with percent_of_subtotal; remove"
                + " it or charge a percent_of_subtotal");
    }

    @Test
    void oneTimeCreditWithoutStart() {
        assertThat(problems(MSP + """
                rules:
                  - id: welcome
                    title: Welcome credit
                    kind: credit
                    amount: 500.00
                    frequency: one_time
                    invoice: {service: Managed services}
                """)).isEqualTo("msp.yaml:7:16: rule 'welcome': a one_time credit needs 'start', the billing period"
                + " it is added in; expected start: YYYY-MM, e.g. start: 2025-07");
    }

    @Test
    void chargeWithoutInvoiceService() {
        assertThat(problems(MSP + """
                rules:
                  - id: fee
                    title: Fee
                    kind: charge
                    amount: 100
                    frequency: monthly
                    invoice: {category: Fees}
                """)).isEqualTo("msp.yaml:8:14: rule 'fee' invoice: missing required key 'service'; expected"
                + " service: the service the line is shown under, e.g. Managed services");
    }

    // ---- ids and references ----

    @Test
    void duplicateRuleId() {
        assertThat(problems(MSP + """
                rules:
                  - id: uplift
                    title: Uplift 3 %
                    kind: uplift
                    percent: 3
                  - id: uplift
                    title: Uplift 5 %
                    kind: uplift
                    percent: 5
                """)).isEqualTo("msp.yaml:7:9: rule #2: id 'uplift' is already used by the rule on line 3; rule ids"
                + " must be unique");
    }

    @Test
    void duplicateCustomerId() {
        assertThat(problems(MSP + """
                customers:
                  - {id: acme, name: Acme, accounts: ['111111111111']}
                  - {id: acme, name: Acme Two, accounts: ['222222222222']}
                """)).isEqualTo("msp.yaml:4:10: customer #2: id 'acme' is already used by the customer on line 3;"
                + " customer ids must be unique");
    }

    @Test
    void workflowNamingAMissingRule() {
        assertThat(problems(MSP + """
                rules:
                  - {id: uplift-3, title: Uplift 3 %, kind: uplift, percent: 3}
                workflows:
                  - id: standard
                    title: Standard
                    rules: [uplift-3, uplift-5]
                """)).isEqualTo("msp.yaml:7:23: workflow 'standard': rule 'uplift-5' is not defined (did you mean"
                + " 'uplift-3'?); expected the id of a rule defined under rules");
    }

    @Test
    void workflowListingARuleTwice() {
        assertThat(problems(MSP + """
                rules:
                  - {id: uplift-3, title: Uplift 3 %, kind: uplift, percent: 3}
                workflows:
                  - {id: standard, title: Standard, rules: [uplift-3, uplift-3]}
                """)).isEqualTo("msp.yaml:5:55: workflow 'standard': rule 'uplift-3' appears twice in this workflow"
                + " (first on line 5); a workflow applies each rule once");
    }

    @Test
    void assignmentNamingAMissingCustomerAndWorkflow() {
        assertThat(problems(MSP + """
                customers:
                  - {id: acme, name: Acme, accounts: ['111111111111']}
                workflows:
                  - {id: at-cost, title: At cost, rules: []}
                assignments:
                  - customer: acme-corp
                    workflow: standard
                    from: 2025-01
                """)).isEqualTo("""
                msp.yaml:7:15: assignment #1: customer 'acme-corp' is not defined; expected the id of a customer\
                 defined under customers
                msp.yaml:8:15: assignment #1: workflow 'standard' is not defined; expected the id of a workflow\
                 defined under workflows""");
    }

    @Test
    void twoAssignmentsOfACustomerFromOnePeriod() {
        assertThat(problems(MSP + """
                customers:
                  - {id: acme, name: Acme, accounts: ['111111111111']}
                workflows:
                  - {id: at-cost, title: At cost, rules: []}
                  - {id: at-list, title: At list, basis: list, rules: []}
                assignments:
                  - {customer: acme, workflow: at-cost, from: 2025-01}
                  - {customer: acme, workflow: at-list, from: 2025-01}
                """)).isEqualTo("msp.yaml:9:47: assignment #2: customer 'acme' already has an assignment from"
                + " 2025-01 (line 8); give a customer one workflow per starting period");
    }

    @Test
    void accountClaimedByTwoCustomers() {
        assertThat(problems(MSP + """
                customers:
                  - id: acme
                    name: Acme
                    accounts: ['111111111111']
                  - id: globex
                    name: Globex
                    accounts: ['222222222222', '111111111111']
                """)).isEqualTo("msp.yaml:8:32: customer 'globex': account '111111111111' is already claimed by"
                + " customer 'acme' (line 5); an account belongs to one customer");
    }

    @Test
    void accountIdsKeepTheirLeadingZeros() {
        var config = MspConfigFile.parse("msp.yaml", MSP + """
                customers:
                  - {id: acme, name: Acme, accounts: [012345678901, '000000000042']}
                """, new FakeExpressionChecker());
        assertThat(config.customers().getFirst().accounts()).containsExactly("012345678901", "000000000042");
    }

    // ---- CEL ----

    @Test
    void whenRejectedByTheChecker() {
        assertThat(problems(MSP + """
                rules:
                  - id: tuesdays
                    title: Tuesdays off
                    kind: exclusion
                    when: line.charge_period_start.getDayOfWeek( == 2
                """)).isEqualTo("msp.yaml:6:11: rule 'tuesdays': 'when' is not a valid CEL expression: missing ')'"
                + " at the end");
    }

    @Test
    void matchRejectedByTheChecker() {
        assertThat(problems(MSP + """
                customers:
                  - id: acme
                    name: Acme
                    match: tags['customer'] == 'acme'
                """)).isEqualTo("msp.yaml:5:12: customer 'acme': 'match' is not a valid CEL expression: undeclared"
                + " reference in 'tags['customer'] == 'acme''; expected an expression over line");
    }

    // ---- many at once ----

    @Test
    void allProblemsAreReportedTogetherInFileOrder() {
        InvalidMspConfigException e = parseFailing("""
                msp:
                  name: Example
                  currency: usd
                customers:
                  - id: acme
                    name: Acme
                    accounts: ['111111111111']
                rules:
                  - id: uplift-3
                    title: Uplift 3 %
                    kind: uplift
                    percent: -3
                workflows:
                  - id: standard
                    title: Standard
                    rules: [uplift-3, remove-edp]
                assignments:
                  - {customer: acme, workflow: standard, from: 2025-1}
                """);
        assertThat(e.getMessage()).startsWith("msp.yaml:3:13: msp: 'currency' must be");
        assertThat(e.problems()).extracting(p -> p.line() + ":" + p.column())
                .containsExactly("3:13", "12:14", "16:23", "18:48");
        assertThat(e.getMessage().lines()).hasSize(4);
        assertThat(e.getMessage().lines().toList().get(2)).isEqualTo("msp.yaml:16:23: workflow 'standard': rule"
                + " 'remove-edp' is not defined; expected the id of a rule defined under rules");
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_CONFIG);
        assertThat(e).isInstanceOf(RebillException.class);
    }

    // ---- the file on disk ----

    @Test
    void problemsNameTheFileAsGiven(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("acme-msp.yaml"), "msp: {name: Example}\n");
        assertThatThrownBy(() -> MspConfigFile.parse(file, new FakeExpressionChecker()))
                .isInstanceOf(InvalidMspConfigException.class)
                .hasMessage(file + ":1:6: msp: missing required key 'currency'; expected currency: an ISO 4217"
                        + " currency code in capitals, e.g. USD or EUR");
    }

    @Test
    void missingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> MspConfigFile.parse(dir.resolve("nope.yaml"), new FakeExpressionChecker()))
                .isInstanceOfSatisfying(RebillException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.FILE_NOT_FOUND))
                .hasMessageEndingWith("nope.yaml: no such file");
    }

    // ---- exchange rates ----

    @Test
    void exchangeRatesNameEachBadValueByLine() {
        assertThat(problems(MSP + """
                exchange_rates:
                  - {from: eur, period: 2026-10, rate: 1.1}
                  - {from: USD, period: 2026-10, rate: 1}
                  - {from: EUR, period: 2026-10, rate: 0}
                  - {from: GBP, period: 2026-10, rate: 1.12345678901}
                  - {from: JPY, period: 2026-10, rate: 0.0067}
                  - {from: JPY, period: 2026-10, rate: 0.0068}
                  - {from: CHF, period: October, rate: 1.2, source: ecb}
                """)).contains(
                "msp.yaml:3:12: exchange rate #1: 'from' must be an ISO 4217 currency code in capitals, e.g. EUR",
                "msp.yaml:4:12: exchange rate #2: 'from' USD is the MSP's own currency: its lines need no rate",
                "msp.yaml:5:40: exchange rate #3: 'rate' must be a decimal above 0 with at most 10 decimal places",
                "msp.yaml:6:40: exchange rate #4: 'rate' must be a decimal above 0 with at most 10 decimal places",
                "msp.yaml:8:25: exchange rate #6: JPY already has a rate for 2026-10 (line 7); give one rate per"
                        + " currency and billing period",
                "msp.yaml:9:25: exchange rate #7: 'period' must be a billing period of the form YYYY-MM",
                "unknown key 'source'");
    }

    private static String problems(String yaml) {
        return parseFailing(yaml).getMessage();
    }

    private static InvalidMspConfigException parseFailing(String yaml) {
        try {
            MspConfigFile.parse("msp.yaml", yaml, new FakeExpressionChecker());
        } catch (InvalidMspConfigException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_CONFIG);
            return e;
        }
        return fail("expected msp.yaml to be rejected:\n" + yaml);
    }
}

package io.rebill.rules.config;

import io.rebill.rules.Customer;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Workflow;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/examples/msp.yaml, the documented example, reads into the model it describes. */
class MspConfigExampleTest {
    static final Path EXAMPLE = Path.of("docs/examples/msp.yaml");
    private static final List<String> ALL_BUT_TAX = List.of("Usage", "Purchase", "Credit", "Adjustment");

    private static final FakeExpressionChecker CHECKER = new FakeExpressionChecker();
    private static MspConfig config;

    @BeforeAll
    static void parseExample() {
        config = MspConfigFile.parse(EXAMPLE, CHECKER);
    }

    @Test
    void theMsp() {
        assertThat(config.mspName()).isEqualTo("Example Cloud Services");
        assertThat(config.currency()).isEqualTo("USD");
    }

    @Test
    void customersInClaimOrder() {
        assertThat(config.customers()).extracting(Customer::id).containsExactly("acme", "globex", "initech");
        Customer acme = config.customers().get(0);
        assertThat(acme.name()).isEqualTo("Acme Corporation");
        assertThat(acme.contactEmail()).isEqualTo("billing@acme.example");
        assertThat(acme.accounts()).isEmpty();
        assertThat(acme.match()).contains("line.tags['customer'] == 'acme'");
        Customer globex = config.customers().get(1);
        assertThat(globex.accounts()).containsExactly("111111111111", "222222222222");
        assertThat(globex.match()).isEmpty();
        Customer initech = config.customers().get(2);
        assertThat(initech.contactEmail()).isNull();
        assertThat(initech.accounts()).containsExactly("333333333333");
        assertThat(initech.match()).contains("line.sub_account_id == '444444444444' && line.tags['team'] == 'initech'");
    }

    @Test
    void everyRuleKindIsCovered() {
        List<String> kinds = config.rules().stream().map(r -> r.getClass().getSimpleName()).distinct().toList();
        assertThat(kinds).containsExactlyInAnyOrderElementsOf(recordKinds(Rule.class));
        assertThat(config.rules()).extracting(Rule::id).containsExactly("replace-ri-payer", "replace-sp-payer",
                "remove-edp", "uplift-3", "replace-ri-any", "remove-free-tier", "ec2-summer-tuesdays", "list-price",
                "cloudfront-75", "management-fee", "onboarding-credit", "shared-account-support");
    }

    /** The concrete rule records, through sealed sub-interfaces such as Rule.AddedLine. */
    private static List<String> recordKinds(Class<?> sealed) {
        return Arrays.stream(sealed.getPermittedSubclasses())
                .flatMap(c -> c.isSealed() ? recordKinds(c).stream() : java.util.stream.Stream.of(c.getSimpleName()))
                .toList();
    }

    @Test
    void workflowOneOfTheSeed() {
        var ri = (Rule.ReplaceRiDiscount) rule("replace-ri-payer");
        assertThat(ri.purchasedBy()).containsExactly("999999999999");
        assertThat(ri.title()).isEqualTo("Reserved Instances bought by the payer billed at public on-demand price");
        var sp = (Rule.ReplaceSpDiscount) rule("replace-sp-payer");
        assertThat(sp.purchasedBy()).containsExactly("999999999999");
        var edp = (Rule.Exclusion) rule("remove-edp");
        assertThat(edp.scope().chargeTypes()).containsExactly("EdpDiscount");
        var uplift = (Rule.Uplift) rule("uplift-3");
        assertThat(uplift.percent().toString()).isEqualTo("3");
        assertThat(uplift.scope().chargeCategories()).as("spec §3: default scope leaves out Tax")
                .containsExactlyElementsOf(ALL_BUT_TAX);

        Workflow workflow = config.workflow("payer-commitments-plus-3").orElseThrow();
        assertThat(workflow.basis()).isEqualTo(Workflow.Basis.EFFECTIVE);
        assertThat(workflow.ruleIds()).containsExactly("replace-ri-payer", "replace-sp-payer", "remove-edp",
                "uplift-3");
    }

    @Test
    void workflowTwoOfTheSeed() {
        assertThat(((Rule.ReplaceRiDiscount) rule("replace-ri-any")).purchasedBy()).isEmpty();
        var free = (Rule.RemoveFreeTier) rule("remove-free-tier");
        assertThat(free.priceList()).hasSize(1);
        assertThat(free.priceList().get("EXAMPLESKU7QK2P9").toString()).isEqualTo("0.0116");

        var discount = (Rule.Discount) rule("ec2-summer-tuesdays");
        assertThat(discount.percent().toString()).isEqualTo("2");
        assertThat(discount.scope().services()).containsExactly("AmazonEC2");
        assertThat(discount.scope().chargeCategories()).containsExactlyElementsOf(ALL_BUT_TAX);
        assertThat(discount.scope().when()).contains("line.region_id.startsWith(\"us-east-\")"
                + " && line.charge_period_start.getDayOfWeek() == 2"
                + " && line.charge_period_start.getMonth() >= 5"
                + " && line.charge_period_start.getMonth() <= 7"
                + " && line.charge_period_start.getFullYear() % 2 == 1");
        assertThat(config.workflow("on-demand-no-free-tier").orElseThrow().ruleIds())
                .containsExactly("replace-ri-any", "remove-free-tier", "ec2-summer-tuesdays");
    }

    @Test
    void managedServicePackage() {
        assertThat(rule("list-price")).isInstanceOf(Rule.RerateToList.class);
        var cloudfront = (Rule.Adjustment) rule("cloudfront-75");
        assertThat(cloudfront.percentage().toString()).isEqualTo("75.0");
        assertThat(cloudfront.scope().services()).containsExactly("AmazonCloudFront");
        assertThat(cloudfront.scope().categories()).containsExactly("Networking");
        assertThat(cloudfront.scope().chargeCategories()).as("only uplift and discount leave out Tax").isEmpty();

        var fee = (Rule.Charge) rule("management-fee");
        var share = (Rule.Amount.PercentOfSubtotal) fee.amount();
        assertThat(share.percent().toString()).isEqualTo("5");
        assertThat(share.minimum().map(Object::toString)).contains("250.00");
        assertThat(fee.frequency()).isEqualTo(Rule.Frequency.MONTHLY);
        assertThat(fee.label()).isEqualTo(new Rule.InvoiceLabel("Managed services", Optional.of("Management fee"),
                Optional.empty()));
        assertThat(fee.scope().start()).contains(BillingPeriod.parse("2025-07"));
        assertThat(fee.scope().end()).isEmpty();

        var credit = (Rule.Credit) rule("onboarding-credit");
        assertThat(((Rule.Amount.Fixed) credit.amount()).value().toString()).isEqualTo("500.00");
        assertThat(credit.frequency()).isEqualTo(Rule.Frequency.ONE_TIME);
        assertThat(credit.label().subCategory()).contains("Onboarding");
        assertThat(credit.visibleToCustomer()).isTrue();

        var support = (Rule.Charge) rule("shared-account-support");
        assertThat(((Rule.Amount.Fixed) support.amount()).value().toString()).isEqualTo("99.90");
        assertThat(support.scope().subAccounts()).containsExactly("444444444444");
        assertThat(support.scope().chargeCategories()).containsExactly("Usage");
        assertThat(support.scope().start()).contains(BillingPeriod.parse("2025-07"));
        assertThat(support.scope().end()).contains(BillingPeriod.parse("2026-06"));

        Workflow managed = config.workflow("managed-list-price").orElseThrow();
        assertThat(managed.basis()).isEqualTo(Workflow.Basis.BILLED);
        assertThat(managed.title()).isEqualTo("Managed service at list price with management fee");
    }

    @Test
    void assignmentsOverTime() {
        assertThat(config.assignments()).hasSize(4);
        assertThat(config.workflowFor("acme", BillingPeriod.parse("2025-12")).map(Workflow::id))
                .contains("payer-commitments-plus-3");
        assertThat(config.workflowFor("acme", BillingPeriod.parse("2026-01")).map(Workflow::id))
                .contains("managed-list-price");
        assertThat(config.workflowFor("initech", BillingPeriod.parse("2025-06"))).isEmpty();
        assertThat(config.workflowFor("globex", BillingPeriod.parse("2025-01")).map(Workflow::id))
                .contains("on-demand-no-free-tier");
    }

    @Test
    void everyExpressionWentThroughTheChecker() {
        assertThat(CHECKER.checked).hasSize(3)
                .contains("line.tags['customer'] == 'acme'")
                .anySatisfy(e -> assertThat(e).startsWith("line.region_id.startsWith"));
    }

    private static Rule rule(String id) {
        return config.rulesById().get(id);
    }
}

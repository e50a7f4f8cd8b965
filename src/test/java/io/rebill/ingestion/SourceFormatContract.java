package io.rebill.ingestion;

import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every ingestion source format fulfils: the same provider line items, written in that format, become
 * the canonical rows of spec §1. Each format's test class only says how to write the file.
 */
abstract class SourceFormatContract extends ReaderContract {
    static final String RI_ARN = "arn:aws:ec2:us-east-1:444455556666:reserved-instances/ri-1";
    static final String SP_ARN = "arn:aws:savingsplans::999988887777:savingsplan/sp-1";

    static List<LineItemFixture> everyKindOfLine() {
        return List.of(
                aLineItem().resource("i-usage").cost("0.0960000001").tag("team", "web").tag("env", "prod")
                        .rateCode("SKU123.JRTCKXETXF.6YS6EN2CT7"),
                aLineItem().type("DiscountedUsage").resource("i-ri").cost("0").list("0.096", "0.096")
                        .reservation(RI_ARN, "0.061"),
                // no public on-demand rate on an RI fee or a tax line, and no quantity on the tax line (AWS leaves
                // them empty: '' in a Parquet text column)
                aLineItem().type("RIFee").resource(RI_ARN).cost("44.64").list("0", null).reservation(RI_ARN, null)
                        .riUnused("1.25", "0.75"),
                aLineItem().type("Fee").resource(RI_ARN).cost("500").list("0", "0").reservation(RI_ARN, null),
                aLineItem().type("SavingsPlanCoveredUsage").account("222233334444").resource("i-sp").cost("0.192")
                        .list("0.192", "0.192").savingsPlan(SP_ARN, "0.13").tag("team", "data"),
                aLineItem().type("SavingsPlanNegation").account("222233334444").resource("i-sp").cost("-0.192")
                        .list("0", "0").savingsPlan(SP_ARN, null),
                aLineItem().type("SavingsPlanRecurringFee").resource(SP_ARN).cost("72").list("0", "0")
                        .savingsPlan(SP_ARN, null).spCommitment("72", "70.5"),
                aLineItem().type("SavingsPlanUpfrontFee").resource(SP_ARN).cost("1000").list("0", "0")
                        .savingsPlan(SP_ARN, null),
                aLineItem().type("EdpDiscount").cost("-0.0123456789012345").list("0", "0"),
                aLineItem().type("Credit").cost("-10").list("0", "0"),
                aLineItem().type("Refund").cost("-2.5").list("0", "0"),
                aLineItem().type("Tax").product("AmazonS3", "Amazon Simple Storage Service").cost("1.23").list("0", null)
                        .quantity(null)
                        .usage("2024-09-01T00:00:00Z", "2024-10-01T00:00:00Z"),
                aLineItem().type("Usage").account("333344445555").usage("2024-10-02T00:00:00Z", "2024-10-02T01:00:00Z")
                        .period("2024-10-01T00:00:00Z", "2024-11-01T00:00:00Z").cost("3.3").list("3.3", "3.3"),
                aLineItem().legalEntity("Red Hat, Inc.").cost("0.05").list("0.05", "0.05"));
    }

    private List<Map<String, Object>> ingestEveryKind() {
        Path file = write(everyKindOfLine(), dir.resolve("in"));
        IngestResult result = ingestion.ingest("payer-1", List.of(file), ProgressListener.silent());
        assertThat(result.reconciliation().holds()).isTrue();
        assertThat(result.periods()).extracting(BillingPeriod::toString).containsExactlyInAnyOrder("2024-09", "2024-10");
        return Stored.rows(ingestion, "payer-1", BillingPeriod.parse("2024-09"), "x_charge_type, billed_cost");
    }

    private static Map<String, Object> row(List<Map<String, Object>> rows, String chargeType) {
        return rows.stream().filter(r -> chargeType.equals(r.get("x_charge_type"))).findFirst().orElseThrow();
    }

    @Test
    void everyLineBecomesTheSpecsCanonicalRow() {
        List<Map<String, Object>> rows = ingestEveryKind();
        List<LineItemFixture> sept = everyKindOfLine().stream().filter(f -> f.periodStart.startsWith("2024-09")).toList();
        assertThat(rows).hasSize(sept.size());
        for (LineItemFixture f : sept) {
            Map<String, Object> r = rows.stream().filter(x -> f.type.equals(x.get("x_charge_type"))
                    && plain(new BigDecimal(f.cost)).equals(x.get("billed_cost"))).findFirst().orElseThrow(
                    () -> new AssertionError("no stored row for " + f.type + " " + f.cost + " in " + rows));
            assertThat(r.get("billing_period")).as(f.type).isEqualTo("2024-09");
            assertThat(r.get("billing_account_id")).as(f.type).isEqualTo(f.payer);
            assertThat(r.get("sub_account_id")).as(f.type).isEqualTo(f.account);
            assertThat(r.get("provider_name")).as(f.type).isEqualTo("AWS");
            assertThat(r.get("publisher_name")).as(f.type).isEqualTo(f.legalEntity);
            assertThat(r.get("service_name")).as(f.type).isEqualTo(f.productName);
            assertThat(r.get("x_service_code")).as(f.type).isEqualTo(f.productCode);
            assertThat(r.get("region_id")).as(f.type).isEqualTo(f.region);
            assertThat(r.get("resource_id")).as(f.type).isEqualTo(f.resourceId);
            assertThat(r.get("sku_price_id")).as(f.type).isEqualTo(f.rateCode);
            assertThat(r.get("charge_category")).as(f.type).isEqualTo(f.expectedChargeCategory());
            assertThat(r.get("commitment_discount_id")).as(f.type).isEqualTo(f.expectedCommitmentId());
            assertThat(r.get("commitment_discount_type")).as(f.type).isEqualTo(f.expectedCommitmentType());
            assertThat(r.get("commitment_discount_status")).as(f.type).isEqualTo(f.expectedCommitmentStatus());
            assertThat(r.get("x_commitment_owner_account_id")).as(f.type).isEqualTo(f.expectedOwner());
            assertThat(r.get("effective_cost")).as(f.type).isEqualTo(plain(f.expectedEffectiveCost()));
            assertThat(r.get("list_cost")).as(f.type).isEqualTo(plain(new BigDecimal(f.listCost)));
            assertThat(r.get("billing_currency")).as(f.type).isEqualTo("USD");
            assertThat(r.get("charge_period_start")).as(f.type).isEqualTo(f.start.replace("T", " ").replace("Z", ".0"));
        }
    }

    @Test
    void amortisationAndCommitmentOwnersFollowTheSpec() {
        List<Map<String, Object>> rows = ingestEveryKind();
        assertThat(row(rows, "DiscountedUsage").get("effective_cost")).isEqualTo("0.061");
        assertThat(row(rows, "RIFee").get("effective_cost")).isEqualTo("2");
        assertThat(row(rows, "Fee").get("effective_cost")).isEqualTo("0");
        assertThat(row(rows, "SavingsPlanCoveredUsage").get("effective_cost")).isEqualTo("0.13");
        assertThat(row(rows, "SavingsPlanNegation").get("effective_cost")).isEqualTo("0");
        assertThat(row(rows, "SavingsPlanRecurringFee").get("effective_cost")).isEqualTo("1.5");
        assertThat(row(rows, "SavingsPlanUpfrontFee").get("effective_cost")).isEqualTo("0");
        assertThat(row(rows, "EdpDiscount").get("effective_cost")).isEqualTo("-0.0123456789012345");
        assertThat(row(rows, "DiscountedUsage").get("x_commitment_owner_account_id")).isEqualTo("444455556666");
        assertThat(row(rows, "SavingsPlanCoveredUsage").get("x_commitment_owner_account_id")).isEqualTo("999988887777");
        assertThat(row(rows, "Credit").get("charge_category")).isEqualTo("Credit");
        assertThat(row(rows, "Tax").get("charge_category")).isEqualTo("Tax");
    }

    @Test
    void aLineWithoutARateOrQuantityHasNoValueThere() {
        List<Map<String, Object>> rows = ingestEveryKind();
        assertThat(row(rows, "Tax").get("list_unit_price")).isNull();
        assertThat(row(rows, "Tax").get("consumed_quantity")).isNull();
        assertThat(row(rows, "RIFee").get("list_unit_price")).isNull();
        Map<String, Object> usage = rows.stream().filter(r -> "i-usage".equals(r.get("resource_id"))).findFirst().orElseThrow();
        assertThat(usage.get("list_unit_price")).isEqualTo("0.096");
        assertThat(usage.get("consumed_quantity")).isEqualTo("1");
        assertThat(row(rows, "DiscountedUsage").get("list_unit_price")).isEqualTo("0.096");
    }

    @Test
    void tagsHaveTheSameKeysInEveryFormat() {
        List<Map<String, Object>> rows = ingestEveryKind();
        Map<String, Object> usage = rows.stream().filter(r -> "i-usage".equals(r.get("resource_id"))).findFirst().orElseThrow();
        assertThat(String.valueOf(usage.get("tags"))).isEqualTo("{team=web, env=prod}");
        assertThat(String.valueOf(row(rows, "SavingsPlanCoveredUsage").get("tags"))).isEqualTo("{team=data}");
        assertThat(row(rows, "Credit").get("tags")).isNull();
    }

    @Test
    void periodTotalsAreExact() {
        ingestEveryKind();
        StoredPeriod sept = ingestion.source("payer-1").period(BillingPeriod.parse("2024-09")).orElseThrow();
        BigDecimal billed = everyKindOfLine().stream().filter(f -> f.periodStart.startsWith("2024-09"))
                .map(f -> new BigDecimal(f.cost)).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(plain(sept.sums().billed())).isEqualTo(plain(billed)).isEqualTo("1605.5036543211987655");
        assertThat(plain(sept.sums().effective())).isEqualTo("-7.4453456788012345");
        // the reconcile command reads the input file again on its own and finds the same sums
        assertThat(ingestion.reconcile("payer-1", java.util.Optional.empty()).holds()).isTrue();
    }

    @Test
    void theSameFileTwiceChangesNothing() {
        Path file = write(everyKindOfLine(), dir.resolve("in"));
        ingestion.ingest("payer-1", List.of(file), ProgressListener.silent());
        SourceState first = ingestion.source("payer-1");
        IngestResult again = ingestion.ingest("payer-1", List.of(file), ProgressListener.silent());
        assertThat(again.unchanged()).isTrue();
        SourceState second = ingestion.source("payer-1");
        assertThat(second.periods()).isEqualTo(first.periods());
        assertThat(Objects.requireNonNull(second.status())).isEqualTo(SourceStatus.STABLE);
    }
}

package io.rebill.ingestion;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.time.BillingPeriod;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static io.rebill.ingestion.Stored.plain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Azure Cost Management exports as they really come: the public samples in ../shared/data/azure-samples (golden sums
 * computed from the files on their own) and files written with the quirks Azure's exports have.
 */
class AzureExportsTest {
    static final Path SAMPLES = Path.of("../shared/data/azure-samples");

    @TempDir
    Path dir;
    Ingestion ingestion;

    @BeforeEach
    void setUp() {
        ingestion = new Ingestion(RebillSettings.at(dir.resolve("home")));
    }

    private static Path sample(String name) {
        Path p = SAMPLES.resolve(name);
        assumeTrue(Files.exists(p), "../shared/data/azure-samples is absent: " + p.toAbsolutePath());
        return p;
    }

    private List<Map<String, Object>> ingest(String source, Path file, String period) {
        IngestResult result = ingestion.ingest(source, List.of(file), ProgressListener.silent());
        assertThat(result.reconciliation().holds()).isTrue();
        return Stored.rows(ingestion, source, BillingPeriod.parse(period), "billed_cost, resource_id");
    }

    private String billed(String source, String period) {
        return plain(ingestion.source(source).period(BillingPeriod.parse(period)).orElseThrow().sums().billed());
    }

    private String effective(String source, String period) {
        return plain(ingestion.source(source).period(BillingPeriod.parse(period)).orElseThrow().sums().effective());
    }

    @Test
    void thePublicEaCostDetailsSampleSumsExactly() {
        List<Map<String, Object>> rows = ingest("ea", sample("ea-cost-details-anonymized.csv"), "2023-09");
        // 27 lines; the sum of CostInBillingCurrency as Python's decimal module adds the file's text (5.64902E-05 ...)
        assertThat(rows).hasSize(27);
        assertThat(billed("ea", "2023-09")).isEqualTo("1.26136926505726");
        assertThat(effective("ea", "2023-09")).isEqualTo("1.26136926505726");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("billing_currency")).isEqualTo("CAD");
            assertThat(r.get("provider_name")).isEqualTo("Microsoft");
            assertThat(r.get("charge_period_start")).isEqualTo("2023-09-02 00:00:00.0");
            assertThat(r.get("billing_account_id")).isEqualTo("12345678");
            // written without its outer braces in the export
            assertThat(String.valueOf(r.get("tags"))).isEqualTo("{tagA=valueA, tagB=valueB, tagC=valueC}");
        });
        assertThat(rows.stream().map(r -> r.get("sub_account_id")).collect(Collectors.toSet())).hasSize(18);
        assertThat(rows).anySatisfy(r -> assertThat(r.get("billed_cost")).isEqualTo("0.00000000665679"));
        assertThat(ingestion.reconcile("ea", Optional.empty()).holds()).isTrue();
    }

    @Test
    void aUsageFileWithGermanHeadersIsReadByTheEnglishNames() {
        List<Map<String, Object>> rows = ingest("payg", sample("usage-header-german.csv"), "2021-02");
        assertThat(rows).hasSize(1);
        Map<String, Object> r = rows.get(0);
        assertThat(r.get("billed_cost")).isEqualTo("0.075");
        assertThat(r.get("effective_cost")).isEqualTo("0.075");
        assertThat(r.get("consumed_quantity")).isEqualTo("3");
        assertThat(r.get("sub_account_id")).isEqualTo("11111111-12ab-34dc-56ef-123456abcdef");
        assertThat(r.get("service_name")).isEqualTo("Load Balancer");
        assertThat(r.get("billing_currency")).isEqualTo("USD");
        assertThat(r.get("resource_id")).isEqualTo("/subscriptions/11111111-12ab-34dc-56ef-123456abcdef/resourcegroups/"
                + "example-resource-group/providers/microsoft.network/loadbalancers/kubernetes");
    }

    @Test
    void aUsageFileWithAByteOrderMarkIsRead() {
        List<Map<String, Object>> rows = ingest("bom", sample("usage-header-bom.csv"), "2022-11");
        assertThat(rows).hasSize(1);
        assertThat(billed("bom", "2022-11")).isEqualTo("0");
    }

    @Test
    void usDatesScientificNotationLongDecimalsAndOneResourceGroupInTwoCases() throws java.io.IOException {
        Path file = ProviderWriters.azureCostDetails(List.of(
                aLineItem().cost("1.5E-07").resource("/subscriptions/S1/resourceGroups/RG-Web/providers/Microsoft.Compute/virtualMachines/vm1"),
                aLineItem().cost("0.0416666666666666666666666667")
                        .resource("/subscriptions/s1/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/vm1"),
                aLineItem().cost("2").tag("CostCenter", "1234").tag("env", "prod")), dir.resolve("in/part_0_0001.csv"));
        // Azure writes 9/3/2024 and also 09/03/2024
        String text = Files.readString(file);
        text = text.replaceFirst("9/3/2024", "09/03/2024");
        writeString(file, text);

        List<Map<String, Object>> rows = ingest("az", file, "2024-09");
        assertThat(rows).extracting(r -> r.get("billed_cost")).containsExactly("0.00000015",
                // 28 places: kept to the canonical 24, the 25th place rounded half up (docs/canonical-line-item.md)
                "0.041666666666666666666667", "2");
        assertThat(rows).extracting(r -> r.get("charge_period_start")).containsOnly("2024-09-03 00:00:00.0");
        assertThat(rows.subList(0, 2)).extracting(r -> r.get("resource_id")).containsOnly(
                "/subscriptions/s1/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/vm1");
        assertThat(String.valueOf(rows.get(2).get("tags"))).isEqualTo("{CostCenter=1234, env=prod}");
        assertThat(billed("az", "2024-09")).isEqualTo("2.041666816666666666666667");
    }

    /**
     * The same month as Azure exports it twice. Actual cost: the reservation's purchase billed in full, the usage it
     * covers at 0. Amortized cost: no purchase, the covered usage and the unused remainder at their share of it.
     */
    @Test
    void actualCostIsBilledAndAmortizedCostIsEffective() throws java.io.IOException {
        String ri = "/providers/Microsoft.Capacity/reservationOrders/o1/reservations/r1";
        List<LineItemFixture> actual = List.of(
                aLineItem().cost("1").resource("vm-on-demand"),
                aLineItem().cost("0").resource("vm-reserved").reservation(ri, null),
                aLineItem().type("Fee").cost("500").resource(ri).reservation(ri, null));
        Path actualFile = ProviderWriters.azureCostDetails(actual, dir.resolve("export/ActualCost/part_0_0001.csv"));
        ingest("actual", actualFile, "2024-09");
        assertThat(billed("actual", "2024-09")).isEqualTo("501");
        assertThat(effective("actual", "2024-09")).isEqualTo("501");

        List<LineItemFixture> amortized = List.of(
                aLineItem().cost("1").resource("vm-on-demand"),
                aLineItem().cost("0.061").resource("vm-reserved").reservation(ri, null),
                aLineItem().type("UnusedReservation").cost("2").resource(ri).reservation(ri, null));
        Path amortizedFile = ProviderWriters.azureCostDetails(amortized, dir.resolve("export/AmortizedCost/part_0_0001.csv"));
        List<Map<String, Object>> rows = ingest("amortized", amortizedFile, "2024-09");
        assertThat(billed("amortized", "2024-09")).isEqualTo("1");
        assertThat(effective("amortized", "2024-09")).isEqualTo("3.061");
        Map<String, Object> covered = rows.stream().filter(r -> "vm-reserved".equals(r.get("resource_id"))).findFirst().orElseThrow();
        assertThat(covered.get("commitment_discount_status")).isEqualTo("Used");
        assertThat(covered.get("commitment_discount_type")).isEqualTo("RI");
        Map<String, Object> unused = rows.stream().filter(r -> "UnusedReservation".equals(r.get("x_charge_type"))).findFirst().orElseThrow();
        assertThat(unused.get("commitment_discount_status")).isEqualTo("Unused");
        assertThat(unused.get("charge_category")).isEqualTo("Usage");
    }

    private static void writeString(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Azure's FOCUS export (FocusCost 1.0) is read by the FOCUS reader: its own BilledCost and EffectiveCost. */
    @Test
    void azuresFocusExportIsReadWithItsOwnBilledAndEffectiveCost() throws java.io.IOException {
        String header = "BilledCost,BillingAccountId,BillingAccountName,BillingAccountType,BillingCurrency,BillingPeriodEnd,"
                + "BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,"
                + "ChargePeriodStart,CommitmentDiscountCategory,CommitmentDiscountId,CommitmentDiscountName,"
                + "CommitmentDiscountStatus,CommitmentDiscountType,ConsumedQuantity,ConsumedUnit,ContractedCost,"
                + "ContractedUnitPrice,EffectiveCost,InvoiceIssuerName,ListCost,ListUnitPrice,PricingCategory,"
                + "PricingQuantity,PricingUnit,ProviderName,PublisherName,RegionId,RegionName,ResourceId,ResourceName,"
                + "ResourceType,ServiceCategory,ServiceName,SkuId,SkuPriceId,SubAccountId,SubAccountName,SubAccountType,"
                + "Tags,x_ResourceGroupName,x_SkuMeterCategory";
        String usage = "0,/providers/Microsoft.Billing/billingAccounts/8611537,Contoso,Billing Profile,USD,"
                + "2024-10-01T00:00:00Z,2024-09-01T00:00:00Z,Usage,,DS4 v2,Usage-Based,2024-09-04T00:00:00Z,"
                + "2024-09-03T00:00:00Z,Usage,/providers/microsoft.capacity/reservationorders/o1/reservations/r1,r1,Used,"
                + "Reservation,24,1 Hour,1.2,0.05,0.73,Microsoft,1.2,0.05,Committed,24,1 Hour,Microsoft,Microsoft,"
                + "eastus,East US,/subscriptions/s1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1,vm1,"
                + "Virtual machine,Compute,Virtual Machines,DZH318Z0BQ4L,DZH318Z0BQ4L/0001,/subscriptions/s1,sub-one,"
                + "Subscription,\"{\"\"env\"\":\"\"prod\"\"}\",rg,Virtual Machines";
        String purchase = "500,/providers/Microsoft.Billing/billingAccounts/8611537,Contoso,Billing Profile,USD,"
                + "2024-10-01T00:00:00Z,2024-09-01T00:00:00Z,Purchase,,Reservation purchase,One-Time,2024-10-01T00:00:00Z,"
                + "2024-09-01T00:00:00Z,Usage,/providers/microsoft.capacity/reservationorders/o1/reservations/r1,r1,,"
                + "Reservation,,,500,,0,Microsoft,500,,Committed,1,1 Hour,Microsoft,Microsoft,,,,,,Compute,"
                + "Virtual Machines,,,/subscriptions/s1,sub-one,Subscription,,,";
        Path file = dir.resolve("focus/part_0_0001.csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "\uFEFF" + header + "\r\n" + usage + "\r\n" + purchase + "\r\n");

        List<Map<String, Object>> rows = ingest("azfocus", file, "2024-09");
        assertThat(rows).hasSize(2);
        assertThat(billed("azfocus", "2024-09")).isEqualTo("500");
        assertThat(effective("azfocus", "2024-09")).isEqualTo("0.73");
        assertThat(rows.stream().map(r -> r.get("sub_account_id")).collect(Collectors.toSet())).isEqualTo(Set.of("/subscriptions/s1"));
        assertThat(rows.get(0).get("commitment_discount_type")).isEqualTo("RI");
    }
}

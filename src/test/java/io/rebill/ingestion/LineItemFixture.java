package io.rebill.ingestion;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A provider line item described once, in AWS CUR terms, for the format writers of the contract suite:
 * {@code aLineItem().type("DiscountedUsage").account("222233334444").cost("1.5")}.
 */
public final class LineItemFixture {
    String payer = "999988887777";
    String account = "111122223333";
    String type = "Usage";
    String start = "2024-09-03T10:00:00Z";
    String end = "2024-09-03T11:00:00Z";
    String periodStart = "2024-09-01T00:00:00Z";
    String periodEnd = "2024-10-01T00:00:00Z";
    String productCode = "AmazonEC2";
    String productName = "Amazon Elastic Compute Cloud";
    String usageType = "USE1-BoxUsage:m5.large";
    String operation = "RunInstances";
    String region = "us-east-1";
    String az = "us-east-1a";
    String resourceId = "i-0abc";
    String sku = "SKU123";
    /** The price id: CUR pricing/RateCode (SKU.OfferTermCode.RateCode), FOCUS SkuPriceId; none unless given. */
    String rateCode;
    String description = "m5.large hours";
    String legalEntity = "Amazon Web Services, Inc.";
    String invoicingEntity = "Amazon Web Services, Inc.";
    String usageAmount = "1";
    String unit = "Hrs";
    String currency = "USD";
    String cost = "0.096";
    String listCost = "0.096";
    String listRate = "0.096";
    String reservationArn;
    String riEffectiveCost;
    String riUnusedUpfront;
    String riUnusedRecurring;
    String savingsPlanArn;
    String spEffectiveCost;
    String spTotalCommitment;
    String spUsedCommitment;
    final Map<String, String> tags = new LinkedHashMap<>();
    /** Google Cloud credits of the line: type -> amount (negative), each a canonical line of its own. */
    final Map<String, String> credits = new LinkedHashMap<>();

    public static LineItemFixture aLineItem() {
        return new LineItemFixture();
    }

    public LineItemFixture type(String v) { type = v; return this; }
    public LineItemFixture account(String v) { account = v; return this; }
    public LineItemFixture payer(String v) { payer = v; return this; }
    public LineItemFixture period(String startIso, String endIso) { periodStart = startIso; periodEnd = endIso; return this; }
    public LineItemFixture usage(String startIso, String endIso) { start = startIso; end = endIso; return this; }
    public LineItemFixture product(String code, String name) { productCode = code; productName = name; return this; }
    public LineItemFixture usageType(String v) { usageType = v; return this; }
    public LineItemFixture region(String v) { region = v; return this; }
    public LineItemFixture resource(String v) { resourceId = v; return this; }
    public LineItemFixture quantity(String v) { usageAmount = v; return this; }
    public LineItemFixture cost(String v) { cost = v; return this; }
    public LineItemFixture list(String cost, String rate) { listCost = cost; listRate = rate; return this; }
    public LineItemFixture currency(String v) { currency = v; return this; }
    public LineItemFixture legalEntity(String v) { legalEntity = v; return this; }
    public LineItemFixture tag(String key, String value) { tags.put(key, value); return this; }
    public LineItemFixture sku(String v) { sku = v; return this; }
    public LineItemFixture rateCode(String v) { rateCode = v; return this; }
    public LineItemFixture credit(String creditType, String amount) { credits.put(creditType, amount); return this; }

    public LineItemFixture reservation(String arn, String effectiveCost) {
        reservationArn = arn;
        riEffectiveCost = effectiveCost;
        return this;
    }

    public LineItemFixture riUnused(String upfront, String recurring) {
        riUnusedUpfront = upfront;
        riUnusedRecurring = recurring;
        return this;
    }

    public LineItemFixture savingsPlan(String arn, String effectiveCost) {
        savingsPlanArn = arn;
        spEffectiveCost = effectiveCost;
        return this;
    }

    public LineItemFixture spCommitment(String total, String used) {
        spTotalCommitment = total;
        spUsedCommitment = used;
        return this;
    }

    // What the spec (§1) says these become; the contract compares every format against these.

    String expectedChargeCategory() {
        return switch (type) {
            case "Usage", "DiscountedUsage", "SavingsPlanCoveredUsage", "SavingsPlanNegation", "EdpDiscount",
                 "PrivateRateDiscount", "BundledDiscount" -> "Usage";
            case "RIFee", "Fee", "SavingsPlanRecurringFee", "SavingsPlanUpfrontFee" -> "Purchase";
            case "Tax" -> "Tax";
            case "Credit", "Refund" -> "Credit";
            default -> "Adjustment";
        };
    }

    BigDecimal expectedEffectiveCost() {
        return switch (type) {
            case "SavingsPlanCoveredUsage" -> dec(spEffectiveCost);
            case "SavingsPlanRecurringFee" -> dec(spTotalCommitment).subtract(dec(spUsedCommitment));
            case "SavingsPlanNegation", "SavingsPlanUpfrontFee" -> BigDecimal.ZERO;
            case "DiscountedUsage" -> dec(riEffectiveCost);
            case "RIFee" -> dec(riUnusedUpfront).add(dec(riUnusedRecurring));
            case "Fee" -> reservationArn != null ? BigDecimal.ZERO : dec(cost);
            default -> dec(cost);
        };
    }

    String expectedCommitmentType() {
        return savingsPlanArn != null ? "SP" : reservationArn != null ? "RI" : null;
    }

    String expectedCommitmentId() {
        return savingsPlanArn != null ? savingsPlanArn : reservationArn;
    }

    String expectedCommitmentStatus() {
        return switch (type) {
            case "DiscountedUsage", "SavingsPlanCoveredUsage" -> "Used";
            case "RIFee", "SavingsPlanRecurringFee" -> expectedEffectiveCost().signum() != 0 ? "Unused" : null;
            default -> null;
        };
    }

    String expectedOwner() {
        String id = expectedCommitmentId();
        return id == null ? null : id.split(":", -1)[4];
    }

    static BigDecimal dec(String s) {
        return s == null ? BigDecimal.ZERO : new BigDecimal(s);
    }
}

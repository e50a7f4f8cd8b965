package io.rebill.costs;

import io.rebill.ingestion.CanonicalColumn;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A column a cost report can group by: one of a fixed set of canonical columns, or one tag key
 * ({@code tag:team}). The set is closed so that no user text ever becomes SQL.
 */
public record CostDimension(CanonicalColumn column, String tagKey) {
    private static final CanonicalColumn[] GROUPABLE = {
            CanonicalColumn.BILLING_ACCOUNT_ID, CanonicalColumn.SUB_ACCOUNT_ID, CanonicalColumn.SERVICE_NAME,
            CanonicalColumn.SERVICE_CATEGORY, CanonicalColumn.X_SERVICE_CODE, CanonicalColumn.X_USAGE_TYPE,
            CanonicalColumn.X_OPERATION, CanonicalColumn.X_CHARGE_TYPE, CanonicalColumn.CHARGE_CATEGORY,
            CanonicalColumn.REGION_ID, CanonicalColumn.AVAILABILITY_ZONE, CanonicalColumn.PROVIDER_NAME,
            CanonicalColumn.PUBLISHER_NAME, CanonicalColumn.BILLING_CURRENCY, CanonicalColumn.PRICING_UNIT,
            CanonicalColumn.COMMITMENT_DISCOUNT_TYPE, CanonicalColumn.X_COMMITMENT_OWNER_ACCOUNT_ID,
            CanonicalColumn.RESOURCE_ID, CanonicalColumn.SKU_ID, CanonicalColumn.BILLING_PERIOD};

    public CostDimension {
        if ((column == null) == (tagKey == null)) {
            throw new IllegalArgumentException("a dimension is either a column or a tag key");
        }
    }

    /** Parses {@code sub_account_id} or {@code tag:team}. */
    public static CostDimension parse(String text) {
        String t = text.trim();
        if (t.startsWith("tag:") && t.length() > 4) {
            return new CostDimension(null, t.substring(4));
        }
        for (CanonicalColumn c : GROUPABLE) {
            if (c.column().equals(t.toLowerCase(Locale.ROOT))) {
                return new CostDimension(c, null);
            }
        }
        throw new RebillException(ErrorCode.BAD_ARGUMENT, "cannot group by '" + text + "'; choose from "
                + Arrays.stream(GROUPABLE).map(CanonicalColumn::column).collect(Collectors.joining(", "))
                + " or tag:<key>");
    }

    public String label() {
        return column != null ? column.column() : "tag:" + tagKey;
    }
}

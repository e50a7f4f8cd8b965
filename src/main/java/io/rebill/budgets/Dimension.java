package io.rebill.budgets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The columns of the daily aggregates a budget may be narrowed by (the fine daily rows' dimensions); {@link #CUSTOMER}
 * is the MSP's only. {@code fine} ones are not in the rollup by service, so a budget using one reads the run's fine
 * daily file (docs/costs.md).
 */
public enum Dimension {
    SERVICE("service", false),
    SERVICE_CATEGORY("service_category", true),
    CHARGE_TYPE("charge_type", true),
    REGION("region", true),
    SUB_ACCOUNT_ID("sub_account_id", true),
    CUSTOMER("customer", false);

    private final String key;
    private final boolean fine;

    Dimension(String key, boolean fine) {
        this.key = key;
        this.fine = fine;
    }

    public String key() {
        return key;
    }

    public boolean fine() {
        return fine;
    }

    public static Dimension parse(String key) {
        return Arrays.stream(values()).filter(d -> d.key.equals(key)).findFirst().orElseThrow(() ->
                new RebillException(ErrorCode.BAD_ARGUMENT, "filters has no dimension '" + key + "'; use one of "
                        + Arrays.stream(values()).map(Dimension::key).collect(Collectors.joining(", "))));
    }
}

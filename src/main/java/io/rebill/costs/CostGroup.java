package io.rebill.costs;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the daily cost figures can be grouped by ({@code group_by=day,service}); customer is the MSP's only. */
public enum CostGroup {
    DAY("CAST(d.day AS text)"),
    SERVICE("d.service"),
    SERVICE_CATEGORY("d.service_category"),
    CHARGE_TYPE("d.charge_type"),
    REGION("d.region"),
    SUB_ACCOUNT("d.sub_account_id"),
    /** usage, charge or credit (and, for the MSP, excluded and unassigned). */
    KIND("d.kind"),
    /** The customer account's name; rows nobody claims have none (unassigned). MSP only. */
    CUSTOMER("a.name");

    private final String column;

    CostGroup(String column) {
        this.column = column;
    }

    /** The column it reads, always one of the constants above (never text from a request). */
    String column() {
        return column;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static CostGroup parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(g -> g.key().equals(t)).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT, "group_by '" + text
                        + "' is not one of " + Arrays.stream(values()).map(CostGroup::key)
                        .collect(Collectors.joining(", "))));
    }
}

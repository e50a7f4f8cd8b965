package io.rebill.budgets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Locale;

/** What a budget counts: the charge after the MSP's rules (a customer's only figure), or the MSP's cost before them. */
public enum Measure {
    CHARGE, COST;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Measure parse(String value) {
        return switch (value == null ? "" : value.strip().toLowerCase(Locale.ROOT)) {
            case "charge" -> CHARGE;
            case "cost" -> COST;
            default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "measure must be charge or cost, not '"
                    + value + "'");
        };
    }
}

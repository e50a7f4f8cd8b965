package io.rebill.ingestion.internal;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/** The billing formats Rebill reads, recognised from the header (docs/canonical-line-item.md). */
enum SourceFormat {
    CUR_LEGACY("cur-canonical.sql", "cur-input-amounts.sql"),
    CUR_SNAKE("cur-canonical.sql", "cur-input-amounts.sql"),
    FOCUS("focus-canonical.sql", "focus-input-amounts.sql");

    private final String canonicalSql;
    private final String inputAmountsSql;

    SourceFormat(String canonicalSql, String inputAmountsSql) {
        this.canonicalSql = canonicalSql;
        this.inputAmountsSql = inputAmountsSql;
    }

    String canonicalSql() {
        return canonicalSql;
    }

    String inputAmountsSql() {
        return inputAmountsSql;
    }

    static Optional<SourceFormat> detect(Collection<String> columns) {
        Set<String> names = Set.copyOf(columns);
        if (columns.stream().anyMatch(c -> c.startsWith("lineItem/"))) {
            return Optional.of(CUR_LEGACY);
        }
        if (names.contains("line_item_unblended_cost")) {
            return Optional.of(CUR_SNAKE);
        }
        if (names.contains("BilledCost") && names.contains("ChargePeriodStart")) {
            return Optional.of(FOCUS);
        }
        return Optional.empty();
    }

    static String expectation() {
        return "a CUR header (lineItem/UnblendedCost or line_item_unblended_cost) or a FOCUS header"
                + " (BilledCost and ChargePeriodStart)";
    }
}

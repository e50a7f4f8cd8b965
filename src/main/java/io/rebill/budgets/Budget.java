package io.rebill.budgets;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A monthly budget of an account (MSP or customer) in the account's currency, over its charge (or, for the MSP, its
 * cost), optionally narrowed by a filter, with the alerts the user set. {@code createdBy} is "Manager User" when the
 * MSP's staff made it inside a customer account, and stays when the budget is edited. {@code recipients} are the
 * channels its alerts go to; empty: every channel of the account with budget alerts on.
 */
public record Budget(UUID id, UUID accountId, String name, BigDecimal amount, String currency, Measure measure,
                     BudgetFilter filter, List<AlertThreshold> alerts, List<UUID> recipients, String createdBy,
                     Instant createdAt) {
    public Budget {
        alerts = List.copyOf(alerts);
        recipients = List.copyOf(recipients);
    }
}

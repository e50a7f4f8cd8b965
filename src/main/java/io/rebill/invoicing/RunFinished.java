package io.rebill.invoicing;

import io.rebill.shared.time.BillingPeriod;

import java.util.Objects;
import java.util.UUID;

/** A bill run that succeeded and committed its drafts and daily costs (what budgets and alerts evaluate). */
public record RunFinished(UUID msp, UUID run, BillingPeriod period) {
    public RunFinished {
        Objects.requireNonNull(msp, "msp");
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(period, "period");
    }
}

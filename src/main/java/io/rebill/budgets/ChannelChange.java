package io.rebill.budgets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Objects;
import java.util.Optional;

/**
 * An edit of a notification channel as a user asks for it: its name, and what it leaves out stays as it is. A blank
 * or absent {@code target} keeps the saved address or webhook URL (the URL is a secret and never shown again, so a
 * rename must not need it); {@code kind}, when given, must be the channel's own.
 */
public record ChannelChange(String name, Optional<ChannelKind> kind, Optional<String> target,
                            Optional<Boolean> budgetAlerts, Optional<Boolean> anomalyAlerts) {
    public ChannelChange {
        name = name == null ? "" : name.strip();
        if (name.isEmpty() || name.length() > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "name must be 1 to 200 characters");
        }
        Objects.requireNonNull(kind, "kind");
        target = Objects.requireNonNull(target, "target").map(String::strip).filter(t -> !t.isEmpty());
        if (target.isPresent() && target.get().length() > 2000) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "target must be an email address or a webhook URL of at"
                    + " most 2000 characters");
        }
        Objects.requireNonNull(budgetAlerts, "budgetAlerts");
        Objects.requireNonNull(anomalyAlerts, "anomalyAlerts");
    }
}

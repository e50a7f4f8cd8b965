package io.rebill.budgets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Objects;

/** A channel as a user asks for it; the target is checked in {@link Notifications#create}. */
public record NewChannel(String name, ChannelKind kind, String target, boolean budgetAlerts, boolean anomalyAlerts) {
    public NewChannel {
        name = name == null ? "" : name.strip();
        if (name.isEmpty() || name.length() > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "name must be 1 to 200 characters");
        }
        Objects.requireNonNull(kind, "kind");
        target = target == null ? "" : target.strip();
        if (target.isEmpty() || target.length() > 2000) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "target must be an email address or a webhook URL of at"
                    + " most 2000 characters");
        }
    }
}

package io.rebill.budgets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a user asks for when making or editing a budget; checked here, and against the account in
 * {@link Budgets#create} and {@link Budgets#update}. {@code recipients}: channel ids of the account that get the
 * budget's alerts (empty: every channel with budget alerts on).
 */
public record NewBudget(String name, BigDecimal amount, Optional<Measure> measure, BudgetFilter filter,
                        List<AlertThreshold> alerts, List<UUID> recipients) {
    public NewBudget(String name, BigDecimal amount, Optional<Measure> measure, BudgetFilter filter,
                     List<AlertThreshold> alerts) {
        this(name, amount, measure, filter, alerts, List.of());
    }

    public NewBudget {
        name = name == null ? "" : name.strip();
        if (name.isEmpty() || name.length() > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "name must be 1 to 200 characters");
        }
        if (amount == null || amount.signum() <= 0 || amount.precision() - amount.scale() > 15 || amount.scale() > 10) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "amount must be an exact decimal above 0 (at most 15"
                    + " digits before the point and 10 after), not " + (amount == null ? "nothing"
                    : amount.toPlainString()));
        }
        Objects.requireNonNull(measure, "measure");
        Objects.requireNonNull(filter, "filter");
        alerts = List.copyOf(alerts);
        if (alerts.size() > 10) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "a budget has at most 10 alerts");
        }
        if (new HashSet<>(alerts).size() != alerts.size()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "alerts lists the same threshold twice");
        }
        recipients = recipients == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(recipients));
        if (recipients.size() > 20) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "a budget has at most 20 recipients (channels)");
        }
    }
}

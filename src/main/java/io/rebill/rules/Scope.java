package io.rebill.rules;

import io.rebill.shared.time.BillingPeriod;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which lines a rule acts on (spec §3): every non-empty list must contain the line's value; an empty list does not
 * restrict. {@code when} is an optional CEL predicate over {@code line}. {@code start}/{@code end} bound the billing
 * periods (both inclusive) in which the rule applies.
 */
public record Scope(List<String> services, List<String> categories, List<String> chargeTypes,
                    List<String> chargeCategories, List<String> subAccounts, Optional<String> when,
                    Optional<BillingPeriod> start, Optional<BillingPeriod> end) {
    public static final Scope EVERYTHING = new Scope(List.of(), List.of(), List.of(), List.of(), List.of(),
            Optional.empty(), Optional.empty(), Optional.empty());

    public Scope {
        services = List.copyOf(services);
        categories = List.copyOf(categories);
        chargeTypes = List.copyOf(chargeTypes);
        chargeCategories = List.copyOf(chargeCategories);
        subAccounts = List.copyOf(subAccounts);
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.isPresent() && end.isPresent() && end.get().compareTo(start.get()) < 0) {
            throw new IllegalArgumentException("end " + end.get() + " is before start " + start.get());
        }
    }

    /** No list and no condition restricts it: every line is in scope (periods aside). */
    public boolean unrestricted() {
        return services.isEmpty() && categories.isEmpty() && chargeTypes.isEmpty() && chargeCategories.isEmpty()
                && subAccounts.isEmpty() && when.isEmpty();
    }

    public boolean appliesIn(BillingPeriod period) {
        return start.map(s -> period.compareTo(s) >= 0).orElse(true)
                && end.map(e -> period.compareTo(e) <= 0).orElse(true);
    }

    public Scope withChargeCategories(List<String> values) {
        return new Scope(services, categories, chargeTypes, values, subAccounts, when, start, end);
    }
}

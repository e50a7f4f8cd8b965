package io.rebill.rules;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A managed account (spec §2): it claims the lines of its linked accounts and/or the lines its CEL {@code match}
 * predicate accepts. A line belongs to the first customer, in configuration order, that claims it.
 */
public record Customer(String id, String name, String contactEmail, List<String> accounts, Optional<String> match) {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public Customer {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("customer id '" + id + "' must be 1-64 characters of a-z, 0-9, '_' or '-'");
        }
        Objects.requireNonNull(name, "name");
        accounts = List.copyOf(accounts);
        Objects.requireNonNull(match, "match");
        if (accounts.isEmpty() && match.isEmpty()) {
            throw new IllegalArgumentException("customer " + id + " claims nothing: give it accounts or a match");
        }
    }
}

package io.rebill.identity;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which audit entries to list: by who (the email as the reader sees it, so a customer filters by "Manager User",
 * never by the MSP's staff), by the kind of action (the part of the action code before the dot, e.g.
 * {@code billing_rule} for {@code billing_rule.create}; empty = every kind) and by time ({@code from} inclusive,
 * {@code until} exclusive).
 */
public record AuditFilter(Optional<String> actor, List<String> actionPrefixes, Optional<Instant> from,
                          Optional<Instant> until) {
    public static final AuditFilter NONE = new AuditFilter(Optional.empty(), List.of(), Optional.empty(), Optional.empty());

    public AuditFilter {
        actor = Objects.requireNonNull(actor, "actor").map(String::strip).filter(s -> !s.isEmpty());
        actionPrefixes = List.copyOf(actionPrefixes);
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(until, "until");
    }
}

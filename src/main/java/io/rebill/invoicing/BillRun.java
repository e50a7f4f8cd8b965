package io.rebill.invoicing;

import io.rebill.shared.time.BillingPeriod;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One bill of one MSP's period, with the inputs it pinned (configuration hash, each source's stored generation),
 * who or what started it, and how it ended. A run commits twice: its drafts first ({@code draftsReadyAt}: the
 * invoices, the per-customer figures of the Billing page and the outcome), then the cost figures the reports read
 * (status succeeded). A run billed by an earlier version of Rebill may have had its fine cost figures rebuilt later
 * from its pinned inputs ({@code figuresRebuiltAt}), or say why they cannot be ({@code figuresError}).
 */
public record BillRun(UUID id, UUID mspId, BillingPeriod period, RunStatus status, RunTrigger trigger,
                      String requestedBy, Instant requestedAt, Optional<Instant> startedAt,
                      Optional<Instant> finishedAt, Optional<String> configHash, List<PinnedSource> sources,
                      Optional<Long> lineCount, Optional<Boolean> reconciles, Optional<String> progress,
                      Optional<String> error, Optional<Instant> draftsReadyAt, Optional<Instant> figuresRebuiltAt,
                      Optional<String> figuresError) {
    public BillRun {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(period, "period");
        sources = List.copyOf(sources);
    }

    /** A source as the run read it: the integration's name and the stored generation of the period. */
    public record PinnedSource(String source, String integration, String generation) {
    }

    /** From start to drafts ready: how long the MSP waited for the drafts (the cost figures come after). */
    public Optional<Duration> draftsTook() {
        return startedAt.flatMap(s -> draftsReadyAt.map(d -> Duration.between(s, d)));
    }

    public Optional<Duration> took() {
        return startedAt.flatMap(s -> finishedAt.map(f -> Duration.between(s, f)));
    }
}

package io.rebill.tenancy;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What an MSP's Managed Accounts list is made of in PostgreSQL, as one statement reads it ({@link
 * Accounts#managedListInputs}): the version of its customer accounts (a counter raised by a trigger in every
 * transaction that creates, changes, deletes, unlinks or moves one, migration V2026_12_10_0200), the version of its
 * linked-account assignments (V2026_12_08_0100) and the ingestion sources of its integrations. The last two are the
 * tracked spend's inputs ({@code costs.TrackedSpend}). Equal versions mean equal rows, so what is computed from them
 * may be kept under them.
 */
public record ManagedListInputs(UUID msp, long customers, String assignments, List<String> sources) {
    public ManagedListInputs {
        Objects.requireNonNull(msp, "msp");
        Objects.requireNonNull(assignments, "assignments");
        sources = List.copyOf(sources);
    }
}

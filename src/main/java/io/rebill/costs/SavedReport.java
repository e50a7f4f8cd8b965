package io.rebill.costs;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A saved cost report of one account (issue 12 item 2); {@code createdBy} reads "Manager User" for the MSP's staff. */
public record SavedReport(UUID id, String title, ReportDefinition definition, boolean isDefault, String createdBy,
                          Instant createdAt, Instant updatedAt) {
    public SavedReport {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(definition, "definition");
    }
}

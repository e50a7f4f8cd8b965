package io.rebill.budgets;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** One notification to one channel: pending (maybe retrying), delivered, or failed after its last attempt. */
public record Delivery(UUID id, UUID channelId, String channelName, ChannelKind kind, String subject, Status status,
                       int attempts, Optional<String> lastError, Instant createdAt, Optional<Instant> deliveredAt,
                       Optional<Instant> nextAttemptAt) {
    public enum Status {
        PENDING, DELIVERED, FAILED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        public String label() {
            return switch (this) {
                case PENDING -> "Pending";
                case DELIVERED -> "Delivered";
                case FAILED -> "Failed";
            };
        }
    }
}

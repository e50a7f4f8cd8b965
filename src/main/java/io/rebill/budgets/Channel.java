package io.rebill.budgets;

import java.net.URI;
import java.time.Instant;
import java.util.UUID;

/**
 * A notification channel of an account. A webhook's URL is a secret (anyone holding it may post to the channel): it
 * is shown again only as its host ({@link #shownTarget()}).
 */
public record Channel(UUID id, UUID accountId, String name, ChannelKind kind, String target, boolean budgetAlerts,
                      boolean anomalyAlerts, String createdBy, Instant createdAt) {

    public String shownTarget() {
        return switch (kind) {
            case EMAIL -> target;
            case SLACK, TEAMS -> {
                URI uri = URI.create(target);
                yield uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/…";
            }
        };
    }
}

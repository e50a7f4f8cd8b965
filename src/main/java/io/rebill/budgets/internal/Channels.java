package io.rebill.budgets.internal;

import io.rebill.budgets.Channel;
import io.rebill.budgets.ChannelKind;
import io.rebill.budgets.Delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;

/** Rows of notification_channel and notification_delivery as values. */
public final class Channels {
    private Channels() {
    }

    public static Channel channel(ResultSet rs, int row) throws SQLException {
        return new Channel(rs.getObject("id", UUID.class), rs.getObject("account_id", UUID.class), rs.getString("name"),
                ChannelKind.parse(rs.getString("kind")), rs.getString("target"), rs.getBoolean("budget_alerts"),
                rs.getBoolean("anomaly_alerts"), rs.getString("created_by"), rs.getTimestamp("created_at").toInstant());
    }

    public static Delivery delivery(ResultSet rs, int row) throws SQLException {
        return new Delivery(rs.getObject("id", UUID.class), rs.getObject("channel_id", UUID.class),
                rs.getString("channel_name"), ChannelKind.parse(rs.getString("kind")), rs.getString("subject"),
                Delivery.Status.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
                rs.getInt("attempts"), Optional.ofNullable(rs.getString("last_error")),
                rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("delivered_at")),
                instant(rs.getTimestamp("next_attempt_at")));
    }

    private static Optional<java.time.Instant> instant(Timestamp t) {
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }
}

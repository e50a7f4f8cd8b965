package io.rebill.budgets;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Locale;

/** Where a notification goes: an email address, a Slack or a Microsoft Teams incoming webhook. */
public enum ChannelKind {
    EMAIL("Email"), SLACK("Slack"), TEAMS("Microsoft Teams");

    private final String label;

    ChannelKind(String label) {
        this.label = label;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String label() {
        return label;
    }

    public static ChannelKind parse(String value) {
        return switch (value == null ? "" : value.strip().toLowerCase(Locale.ROOT)) {
            case "email" -> EMAIL;
            case "slack" -> SLACK;
            case "teams" -> TEAMS;
            default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "kind must be email, slack or teams, not '"
                    + value + "'");
        };
    }
}

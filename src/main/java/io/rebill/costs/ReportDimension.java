package io.rebill.costs;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a saved cost report groups or filters by (issue 12 item 2): one of the daily aggregate's columns, a provider
 * tag key ({@code tag:team}) or a virtual tag of the report's account ({@code virtual_tag:<id>}). The set of columns
 * is closed, so no text of a request ever becomes SQL; a tag key or virtual tag id is a bound parameter.
 */
public record ReportDimension(Kind kind, String key) {
    public enum Kind {
        SERVICE("service", "Service", "d.service"),
        SERVICE_CATEGORY("service_category", "Category", "d.service_category"),
        CHARGE_TYPE("charge_type", "Charge type", "d.charge_type"),
        SUB_ACCOUNT("sub_account", "Provider account", "d.sub_account_id"),
        REGION("region", "Region", "d.region"),
        /** The customer account's name; the MSP's only. */
        CUSTOMER("customer", "Customer", "a.name"),
        /**
         * Who the figure comes from: "Billed by &lt;MSP&gt;" (the re-billed aggregates, whose SQL leaves it empty) or one
         * of the customer account's own integrations (its stored lines); a customer account's only.
         */
        SOURCE("source", "Source", "CAST(NULL AS text)"),
        /** A provider tag's value (the run's tags.parquet). */
        TAG("tag", "Tag", "d.tag_value"),
        /** A virtual tag's value (the run's tags.parquet). */
        VIRTUAL_TAG("virtual_tag", "Virtual tag", "d.tag_value");

        private final String text;
        private final String label;
        private final String column;

        Kind(String text, String label, String column) {
            this.text = text;
            this.label = label;
            this.column = column;
        }

        public String text() {
            return text;
        }

        public String label() {
            return label;
        }

        /** The SQL it reads: a constant above, never text from a request. */
        String column() {
            return column;
        }

        boolean tagged() {
            return this == TAG || this == VIRTUAL_TAG;
        }
    }

    public ReportDimension {
        Objects.requireNonNull(kind, "kind");
        if (kind.tagged() != (key != null)) {
            throw new IllegalArgumentException("a tag or virtual tag dimension has a key, no other does");
        }
    }

    public static ReportDimension of(Kind kind) {
        return new ReportDimension(kind, null);
    }

    /** {@code service}, {@code tag:team}, {@code virtual_tag:<id>}; anything else is a 400 that lists the choices. */
    public static ReportDimension parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("tag:")) {
            String key = t.substring(4).trim();
            if (key.isEmpty() || key.length() > 128) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "dimension '" + text + "': a tag key has 1 to 128"
                        + " characters (tag:team)");
            }
            return new ReportDimension(Kind.TAG, key);
        }
        if (t.startsWith("virtual_tag:")) {
            try {
                return new ReportDimension(Kind.VIRTUAL_TAG, UUID.fromString(t.substring(12).trim()).toString());
            } catch (IllegalArgumentException e) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "dimension '" + text + "': a virtual tag is named by"
                        + " its id (virtual_tag:<id> from GET /api/v1/virtual_tags)");
            }
        }
        String lower = t.toLowerCase(Locale.ROOT);
        return Arrays.stream(Kind.values()).filter(k -> !k.tagged() && k.text.equals(lower)).findFirst()
                .map(ReportDimension::of)
                .orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT, "dimension '" + text + "' is not one of "
                        + Arrays.stream(Kind.values()).filter(k -> !k.tagged()).map(Kind::text)
                        .collect(Collectors.joining(", ")) + ", tag:<key>, virtual_tag:<id>"));
    }

    /** As stored and as the API writes it. */
    public String text() {
        return kind.tagged() ? kind.text + ":" + key : kind.text;
    }

    public boolean tagged() {
        return kind.tagged();
    }

    /** The virtual tag's id (VIRTUAL_TAG only). */
    public UUID virtualTag() {
        return UUID.fromString(key);
    }
}

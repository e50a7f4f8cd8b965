package io.rebill.web.portal;

import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An integration as the Integrations page shows it: where its files come from in words (never a server folder),
 * whether a secret is set (never the secret), and when it syncs.
 */
record IntegrationCards(IntegrationsApi.IntegrationJson integration, String kind, String where,
                        Optional<String> credentials, Optional<String> sync) {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH)
            .withZone(ZoneId.of("UTC"));

    /** The choices of the sync interval, in minutes, with their names. */
    static final Map<Integer, String> INTERVALS = new java.util.LinkedHashMap<>(Map.of());

    static {
        INTERVALS.put(60, "Every hour");
        INTERVALS.put(360, "Every 6 hours");
        INTERVALS.put(720, "Every 12 hours");
        INTERVALS.put(1440, "Once a day");
    }

    /** An Azure export's dataset and how it signs in, in words. */
    static final Map<String, String> EXPORT_KINDS = Map.of("actual", "actual cost", "amortized", "amortized cost",
            "focus", "FOCUS");
    private static final Map<String, String> AUTHS = Map.of("connection_string", "Connection string",
            "account_key", "Account key", "sas_token", "SAS token");

    static List<IntegrationCards> of(List<IntegrationsApi.IntegrationJson> integrations) {
        return integrations.stream().map(IntegrationCards::of).toList();
    }

    static IntegrationCards of(IntegrationsApi.IntegrationJson i) {
        Map<String, Object> location = i.location().orElse(Map.of("kind", "folder"));
        String kind = String.valueOf(location.get("kind"));
        return switch (kind) {
            case "s3" -> new IntegrationCards(i, kind, "S3 export s3://" + location.get("bucket") + "/"
                    + (String.valueOf(location.get("prefix")).isEmpty() ? "" : location.get("prefix") + "/")
                    + location.get("report_name") + "/ (" + location.get("region") + ")",
                    Optional.of(location.containsKey("role_arn")
                            ? "Role " + location.get("role_arn") + " with external id " + location.get("external_id")
                            : "Access key " + location.get("access_key_id") + " · secret access key "
                            + (Boolean.TRUE.equals(location.get("secret_access_key_set")) ? "set" : "not set")),
                    Optional.of(every(i.syncMinutes()) + i.lastSyncAt().map(t -> " · last synced " + WHEN.format(t)
                            + " UTC").orElse(" · not synced yet")));
            case "azure_blob" -> new IntegrationCards(i, kind, "Azure export in Blob Storage "
                    + location.get("account_url") + "/" + location.get("container")
                    + (String.valueOf(location.get("prefix")).isEmpty() ? "" : "/" + location.get("prefix"))
                    + " (" + EXPORT_KINDS.getOrDefault(String.valueOf(location.get("export_kind")), "")
                    + ")", Optional.of(AUTHS.getOrDefault(String.valueOf(location.get("auth")), "Secret") + " "
                    + (Boolean.TRUE.equals(location.get("secret_set")) ? "set" : "not set")),
                    Optional.of(every(i.syncMinutes()) + i.lastSyncAt().map(t -> " · last synced " + WHEN.format(t)
                            + " UTC").orElse(" · not synced yet")));
            case "uploads" -> new IntegrationCards(i, kind, "Files uploaded here or through the API", Optional.empty(),
                    Optional.empty());
            default -> new IntegrationCards(i, kind, "A folder on the server", Optional.empty(), Optional.empty());
        };
    }

    private static String every(int minutes) {
        String named = INTERVALS.get(minutes);
        if (named != null) {
            return "Syncs " + named.toLowerCase(Locale.ROOT);
        }
        Duration d = Duration.ofMinutes(minutes);
        return "Syncs every " + (d.toMinutesPart() == 0 ? d.toHours() + " hours" : minutes + " minutes");
    }
}

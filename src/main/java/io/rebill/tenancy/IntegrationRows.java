package io.rebill.tenancy;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** An integration row's location (kind + JSON settings) and sync columns, read and written. */
final class IntegrationRows {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private IntegrationRows() {
    }

    static IntegrationLocation location(ResultSet rs) throws SQLException {
        String kind = rs.getString("location_kind");
        JsonNode settings = JSON.readTree(rs.getString("location"));
        return switch (kind) {
            case "s3" -> new IntegrationLocation.S3(text(settings, "bucket").orElse(""), text(settings, "prefix").orElse(""),
                    text(settings, "report_name").orElse(""), text(settings, "region").orElse("us-east-1"),
                    text(settings, "endpoint"), text(settings, "access_key_id"), text(settings, "role_arn"),
                    text(settings, "external_id"));
            case "uploads" -> new IntegrationLocation.Uploads();
            case "azure_blob" -> new IntegrationLocation.AzureBlob(text(settings, "account_url").orElse(""),
                    text(settings, "container").orElse(""), text(settings, "prefix").orElse(""),
                    text(settings, "export_kind").orElse("actual"), text(settings, "auth").orElse("connection_string"));
            default -> new IntegrationLocation.Folder(Optional.ofNullable(rs.getString("folder")));
        };
    }

    static IntegrationSync sync(ResultSet rs) throws SQLException {
        return new IntegrationSync(Duration.ofMinutes(rs.getInt("sync_minutes")), instant(rs.getTimestamp("last_sync_at")),
                instant(rs.getTimestamp("next_sync_at")), rs.getString("credential") != null);
    }

    /** The JSON kept in {@code integration.location}: the settings of the kind, never a secret. */
    static String json(IntegrationLocation location) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (location) {
            case IntegrationLocation.S3 s3 -> {
                m.put("bucket", s3.bucket());
                m.put("prefix", s3.prefix());
                m.put("report_name", s3.reportName());
                m.put("region", s3.region());
                s3.endpoint().ifPresent(e -> m.put("endpoint", e));
                s3.accessKeyId().ifPresent(k -> m.put("access_key_id", k));
                s3.roleArn().ifPresent(r -> m.put("role_arn", r));
                s3.externalId().ifPresent(x -> m.put("external_id", x));
            }
            case IntegrationLocation.AzureBlob azure -> {
                m.put("account_url", azure.accountUrl());
                m.put("container", azure.container());
                m.put("prefix", azure.prefix());
                m.put("export_kind", azure.exportKind());
                m.put("auth", azure.auth());
            }
            case IntegrationLocation.Folder folder -> { }
            case IntegrationLocation.Uploads uploads -> { }
        }
        return JSON.writeValueAsString(m);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asString());
    }

    private static Optional<java.time.Instant> instant(Timestamp t) {
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }
}

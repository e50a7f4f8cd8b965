package io.rebill.tenancy;

import io.rebill.ingestion.AzureBlobContainer;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Checks an Azure Blob integration's settings and turns them, with the opened secret, into the ingestion's
 * {@link AzureBlobContainer}. Signing in is one of: a connection string (the whole string is the secret: it holds the
 * account key or a SAS), or the account URL with an account key or a SAS token. Only the secret is sealed; the
 * account URL, container, prefix and export kind are shown. Kept apart from {@link IntegrationSetup} so that each
 * kind's rules read on their own.
 */
final class AzureBlobSetup {
    /** The blob endpoints of Azure's clouds (public, China, US Government): where an account URL may point. */
    private static final List<String> AZURE_HOSTS = List.of(".blob.core.windows.net", ".blob.core.chinacloudapi.cn",
            ".blob.core.usgovcloudapi.net");

    private AzureBlobSetup() {
    }

    /** The location to keep and the secret (not yet sealed) to keep with it; empty: keep the stored one. */
    record Checked(IntegrationLocation.AzureBlob location, Optional<String> secret) {
        @Override
        public String toString() {
            return "Checked[" + location + ", secret hidden]";
        }
    }

    /**
     * @param stored          the integration's location before a change (empty when creating)
     * @param allowEndpoints  the operator allows storage endpoints other than Azure's (an emulator)
     */
    static Checked check(IntegrationSetup.AzureBlobSettings s, Optional<IntegrationLocation.AzureBlob> stored,
                         boolean allowEndpoints) {
        Optional<String> connection = nonBlank(s.connectionString());
        Optional<String> key = nonBlank(s.accountKey());
        Optional<String> sas = nonBlank(s.sasToken()).map(t -> t.startsWith("?") ? t.substring(1) : t);
        Optional<String> url = nonBlank(s.accountUrl()).map(u -> u.replaceAll("/+$", ""));
        String kind = AzureBlobContainer.ExportKind.parse(s.exportKind().orElse(
                stored.map(IntegrationLocation.AzureBlob::exportKind).orElse("actual"))).value();
        int secrets = (connection.isPresent() ? 1 : 0) + (key.isPresent() ? 1 : 0) + (sas.isPresent() ? 1 : 0);
        if (secrets > 1) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "give one of connection_string, account_key or"
                    + " sas_token, not several");
        }
        String auth;
        String accountUrl;
        if (connection.isPresent()) {
            if (url.isPresent()) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "give either connection_string or account_url"
                        + " (with account_key or sas_token), not both: the connection string names the account");
            }
            auth = "connection_string";
            accountUrl = AzureBlobContainer.ofConnectionString(connection.get(), "placeholder", "",
                    AzureBlobContainer.ExportKind.ACTUAL).endpoint().toString().replaceAll("/+$", "");
        } else if (secrets == 1) {
            auth = key.isPresent() ? "account_key" : "sas_token";
            accountUrl = url.or(() -> stored.filter(l -> !l.auth().equals("connection_string"))
                    .map(IntegrationLocation.AzureBlob::accountUrl)).orElseThrow(() -> new RebillException(
                    ErrorCode.BAD_ARGUMENT, "account_url is required with " + auth + " (like"
                    + " https://ACCOUNT.blob.core.windows.net)"));
        } else if (stored.isPresent()) {
            // no new secret: the stored one is kept, and with it how it signs in
            auth = stored.get().auth();
            accountUrl = auth.equals("connection_string") ? stored.get().accountUrl()
                    : url.orElse(stored.get().accountUrl());
        } else {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "give connection_string, or account_url with account_key"
                    + " or sas_token: Rebill needs one of them to read the container");
        }
        URI endpoint = endpoint(accountUrl, allowEndpoints);
        if (auth.equals("account_key")) {
            accountName(endpoint);
        }
        // AzureBlobContainer checks the container's name and the scheme the way Azure and Rebill require them
        AzureBlobContainer checked = new AzureBlobContainer(endpoint, s.container() == null ? null : s.container().strip(),
                s.prefix(), new AzureBlobContainer.Sas(""), AzureBlobContainer.ExportKind.parse(kind));
        return new Checked(new IntegrationLocation.AzureBlob(accountUrl, checked.container(),
                checked.prefix().replaceAll("/+$", ""), kind, auth), connection.or(() -> key).or(() -> sas));
    }

    /** The ingestion location, signed with the opened secret (for the SDK, never for a person). */
    static AzureBlobContainer container(IntegrationLocation.AzureBlob location, String secret) {
        AzureBlobContainer.ExportKind kind = AzureBlobContainer.ExportKind.parse(location.exportKind());
        URI endpoint = URI.create(location.accountUrl());
        return switch (location.auth()) {
            case "connection_string" -> AzureBlobContainer.ofConnectionString(secret, location.container(),
                    location.prefix(), kind);
            case "account_key" -> new AzureBlobContainer(endpoint, location.container(), location.prefix(),
                    new AzureBlobContainer.SharedKey(accountName(endpoint), secret), kind);
            default -> new AzureBlobContainer(endpoint, location.container(), location.prefix(),
                    new AzureBlobContainer.Sas(secret), kind);
        };
    }

    static void requireProvider(String provider) {
        if (!List.of("azure", "focus").contains(provider)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "an Azure Blob export is read for provider azure or"
                    + " focus, not " + provider);
        }
    }

    private static URI endpoint(String accountUrl, boolean allowEndpoints) {
        URI uri;
        try {
            uri = URI.create(accountUrl);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "account_url '" + accountUrl + "' is not a URL like"
                    + " https://ACCOUNT.blob.core.windows.net");
        }
        if (uri.getRawQuery() != null) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "account_url carries a query (a SAS?); give the"
                    + " account URL alone and the token in sas_token, which is kept sealed");
        }
        String host = uri.getHost().toLowerCase(java.util.Locale.ROOT);
        boolean azure = "https".equals(uri.getScheme()) && AZURE_HOSTS.stream().anyMatch(host::endsWith);
        if (!azure && !allowEndpoints) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "account_url '" + accountUrl + "': this server reads"
                    + " Azure Blob Storage at https://ACCOUNT.blob.core.windows.net (or Azure's China and US"
                    + " Government clouds) only; the operator allows other endpoints with"
                    + " rebill.integrations.allow-s3-endpoints=true");
        }
        return uri;
    }

    /** The storage account: the host's first label on Azure, the path's first segment on an emulator (Azurite). */
    private static String accountName(URI endpoint) {
        String host = endpoint.getHost().toLowerCase(java.util.Locale.ROOT);
        if (AZURE_HOSTS.stream().anyMatch(host::endsWith)) {
            return host.substring(0, host.indexOf('.'));
        }
        String path = endpoint.getPath() == null ? "" : endpoint.getPath().replaceAll("^/+", "");
        if (path.isEmpty()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "account_url '" + endpoint + "' names no storage"
                    + " account (expected https://ACCOUNT.blob.core.windows.net)");
        }
        return path.split("/")[0];
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value == null ? Optional.empty() : value.map(String::strip).filter(v -> !v.isEmpty());
    }
}

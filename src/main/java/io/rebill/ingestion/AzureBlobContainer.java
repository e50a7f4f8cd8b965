package io.rebill.ingestion;

import io.rebill.ingestion.internal.AzureBlobFetch;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A source reading an Azure Cost Management export from Azure Blob Storage: the storage account's blob endpoint
 * ({@code https://ACCOUNT.blob.core.windows.net}), the container and the export's folder (prefix). Only the latest
 * run of each export period is read (docs/ingestion.md), and a blob already downloaded with the same ETag is not
 * downloaded again.
 *
 * @param endpoint  the account's blob endpoint; Azurite's is {@code http://127.0.0.1:10000/devstoreaccount1}
 * @param container the container the export writes to
 * @param prefix    the export's folder inside the container ("" for all of it)
 * @param kind      which dataset the export writes: the amortized one is read as amortized whatever its folder's name
 */
public record AzureBlobContainer(URI endpoint, String container, String prefix, Credential credential,
                                 ExportKind kind) implements SourceLocation {

    /**
     * The export's dataset (Cost Management > Exports): actual cost (what Microsoft invoices, billed), amortized cost
     * (effective) or the FOCUS export, which carries both. The reader tells FOCUS from cost details by the header; an
     * amortized export's files are kept under a folder named {@code amortized}, which is how the reader knows them.
     */
    public enum ExportKind {
        ACTUAL, AMORTIZED, FOCUS;

        /** The kind as the API and msp settings name it: actual, amortized or focus. */
        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static ExportKind parse(String value) {
            String v = value == null || value.isBlank() ? "actual" : value.strip().toLowerCase(Locale.ROOT);
            for (ExportKind k : values()) {
                if (k.value().equals(v)) {
                    return k;
                }
            }
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "export_kind '" + value + "' is not one of [actual,"
                    + " amortized, focus]; choose the dataset the Cost Management export writes");
        }
    }

    /** An export of actual cost (the dataset Microsoft invoices). */
    public AzureBlobContainer(URI endpoint, String container, String prefix, Credential credential) {
        this(endpoint, container, prefix, credential, ExportKind.ACTUAL);
    }

    /** How Rebill signs its requests: the account's shared key, or a SAS token with read and list rights. */
    public sealed interface Credential {
    }

    /** The storage account's name and one of its access keys. */
    public record SharedKey(String accountName, String accountKey) implements Credential {
        public SharedKey {
            Objects.requireNonNull(accountName, "accountName");
            Objects.requireNonNull(accountKey, "accountKey");
        }

        @Override
        public String toString() {
            return "SharedKey[" + accountName + ", key hidden]";
        }
    }

    /** A shared access signature for the container (read and list), without the leading '?'. */
    public record Sas(String token) implements Credential {
        public Sas {
            Objects.requireNonNull(token, "token");
            token = token.startsWith("?") ? token.substring(1) : token;
        }

        @Override
        public String toString() {
            return "Sas[hidden]";
        }
    }

    public AzureBlobContainer {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(credential, "credential");
        if (!"https".equals(endpoint.getScheme()) && !isLoopback(endpoint)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "Azure Blob endpoint " + endpoint
                    + ": use https (plain http only for an emulator on this machine)");
        }
        if (container == null || !container.matches("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "Azure Blob container '" + container + "': 3 to 63"
                    + " lower-case letters, digits and single hyphens, as Azure names containers");
        }
        prefix = prefix == null ? "" : prefix.replaceAll("^/+", "");
        kind = kind == null ? ExportKind.ACTUAL : kind;
    }

    /**
     * The location an Azure storage connection string names (the portal's Storage account > Access keys >
     * Connection string, or one with a SharedAccessSignature): its blob endpoint from {@code BlobEndpoint}, else
     * {@code DefaultEndpointsProtocol://AccountName.blob.EndpointSuffix}, signed with {@code AccountKey} or
     * {@code SharedAccessSignature}. An error names the part that is missing, never the string.
     */
    public static AzureBlobContainer ofConnectionString(String connectionString, String container, String prefix,
                                                        ExportKind kind) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : (connectionString == null ? "" : connectionString.strip()).split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
            } else if (!part.isBlank()) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "connection_string: a part without '=' (expected"
                        + " Name=value pairs separated by ';', as Storage account > Access keys > Connection string"
                        + " shows them)");
            }
        }
        String account = parts.get("accountname");
        URI endpoint;
        if (parts.containsKey("blobendpoint")) {
            try {
                endpoint = URI.create(parts.get("blobendpoint"));
            } catch (IllegalArgumentException e) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "connection_string: BlobEndpoint is not a URL");
            }
        } else if (account != null && !account.isBlank()) {
            String protocol = parts.getOrDefault("defaultendpointsprotocol", "https");
            String suffix = parts.getOrDefault("endpointsuffix", "core.windows.net");
            endpoint = URI.create(protocol + "://" + account + ".blob." + suffix);
        } else {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "connection_string names neither AccountName nor"
                    + " BlobEndpoint; copy the whole connection string from the storage account's Access keys");
        }
        Credential credential;
        if (parts.containsKey("accountkey")) {
            if (account == null || account.isBlank()) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "connection_string has an AccountKey but no"
                        + " AccountName");
            }
            credential = new SharedKey(account, parts.get("accountkey"));
        } else if (parts.containsKey("sharedaccesssignature")) {
            credential = new Sas(parts.get("sharedaccesssignature"));
        } else {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "connection_string has neither AccountKey nor"
                    + " SharedAccessSignature; Rebill needs one of them to read the container");
        }
        return new AzureBlobContainer(endpoint, container, prefix, credential, kind);
    }

    private static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        return "http".equals(uri.getScheme()) && ("127.0.0.1".equals(host) || "localhost".equals(host) || "[::1]".equals(host));
    }

    /** The place without any secret: {@code azure-blob://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX}. */
    @Override
    public String describe() {
        String path = endpoint.getPath() == null ? "" : endpoint.getPath().replaceAll("/+$", "");
        return "azure-blob://" + endpoint.getAuthority() + path + "/" + container + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** Lists the export's blobs, downloads those not yet in {@code workDir} (by ETag) and returns the files to ingest. */
    @Override
    public List<Path> fetch(Path workDir) {
        return AzureBlobFetch.fetch(this, workDir);
    }


    @Override
    public String toString() {
        return "AzureBlobContainer[" + describe() + ", " + credential + "]";
    }
}

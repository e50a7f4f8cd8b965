package io.rebill.ingestion;

import io.rebill.ingestion.internal.AzureBlobFetch;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
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
 */
public record AzureBlobContainer(URI endpoint, String container, String prefix, Credential credential)
        implements SourceLocation {

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

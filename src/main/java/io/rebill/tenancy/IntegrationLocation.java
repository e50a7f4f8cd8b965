package io.rebill.tenancy;

import java.util.Optional;

/**
 * Where an integration's billing files come from. A closed set: a new kind (an Azure Blob container) is a new record
 * here, a value of {@code integration.location_kind} and a case in {@link IntegrationSetup#sourceLocation}, and the
 * compiler finds every switch that must learn it.
 */
public sealed interface IntegrationLocation {

    /** The value kept in {@code integration.location_kind} and shown by the API. */
    String kind();

    /** A folder on the server inside the account's import folder; empty for a source adopted at setup (the demo). */
    record Folder(Optional<String> folder) implements IntegrationLocation {
        @Override
        public String kind() {
            return "folder";
        }
    }

    /**
     * An AWS export in S3. Either {@code accessKeyId} (with a secret access key kept sealed, never in this record) or
     * {@code roleArn} with {@code externalId} signs in. {@code endpoint} is set only where the operator allows an
     * S3-compatible store other than AWS.
     */
    record S3(String bucket, String prefix, String reportName, String region, Optional<String> endpoint,
              Optional<String> accessKeyId, Optional<String> roleArn, Optional<String> externalId)
            implements IntegrationLocation {
        @Override
        public String kind() {
            return "s3";
        }
    }

    /**
     * An Azure Cost Management export in Azure Blob Storage: the storage account's blob endpoint ({@code accountUrl},
     * shown; from a connection string, its endpoint without the key), the container, the export's folder and its
     * dataset ({@code exportKind}: actual, amortized or focus). {@code auth} says which secret signs in, kept sealed
     * apart from this record: connection_string, account_key or sas_token.
     */
    record AzureBlob(String accountUrl, String container, String prefix, String exportKind, String auth)
            implements IntegrationLocation {
        @Override
        public String kind() {
            return "azure_blob";
        }
    }

    /** Files uploaded through the portal or the API. */
    record Uploads() implements IntegrationLocation {
        @Override
        public String kind() {
            return "uploads";
        }
    }
}

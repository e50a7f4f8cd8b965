package io.rebill.tenancy;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.LocalFolder;
import io.rebill.ingestion.ProgressListener;
import io.rebill.ingestion.S3Credentials;
import io.rebill.ingestion.S3Export;
import io.rebill.ingestion.SourceLocation;
import io.rebill.ingestion.SyncResult;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.io.Trees;
import io.rebill.shared.secrets.SecretBox;
import io.rebill.shared.sql.SqlStatements;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Setting up where an integration's files come from, and reading them: a folder under the account's import folder,
 * an S3 export (credentials sealed with the {@link SecretBox}, never returned) or uploads. Creating an integration is
 * one transaction with configuring its ingestion source, so a failure leaves neither. Every call is scoped by the
 * owning account; an id of another account's integration answers like one that does not exist.
 */
public final class IntegrationSetup {
    private static final SqlStatements SQL = SqlStatements.load(IntegrationSetup.class, "integration-locations.sql");
    private static final int MIN_SYNC_MINUTES = 15;
    private static final int MAX_SYNC_MINUTES = 7 * 24 * 60;

    private final Integrations integrations;
    private final Ingestion ingestion;
    private final SecretBox secrets;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Path importRoot;
    private final boolean allowS3Endpoints;
    private final Clock clock;

    /**
     * @param importRoot       the server folder under which each account has its own import folder
     * @param allowS3Endpoints whether an integration may name an S3-compatible endpoint other than AWS (the operator's
     *                         choice: the server then connects wherever an Integration Owner points it)
     */
    public IntegrationSetup(Integrations integrations, Ingestion ingestion, SecretBox secrets, JdbcClient jdbc,
                            TransactionTemplate tx, Path importRoot, boolean allowS3Endpoints, Clock clock) {
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.secrets = secrets;
        this.jdbc = jdbc;
        this.tx = tx;
        this.importRoot = importRoot.toAbsolutePath().normalize();
        this.allowS3Endpoints = allowS3Endpoints;
        this.clock = clock;
    }

    /** What an S3 export is set up with; the secret access key is write-only (empty on a change keeps the stored one). */
    public record S3Settings(String bucket, String prefix, String reportName, String region, Optional<String> endpoint,
                             Optional<String> accessKeyId, Optional<String> secretAccessKey, Optional<String> roleArn,
                             Optional<String> externalId) {
        @Override
        public String toString() {
            return "S3Settings[" + bucket + "/" + prefix + "/" + reportName + "]";
        }
    }

    /**
     * What an Azure Blob export is set up with: a connection string, or the account URL with an account key or a SAS
     * token (the secret is write-only; none given on a change keeps the stored one), the container, the export's
     * folder and its dataset (actual, amortized or focus; default actual).
     */
    public record AzureBlobSettings(Optional<String> accountUrl, String container, String prefix,
                                    Optional<String> exportKind, Optional<String> connectionString,
                                    Optional<String> accountKey, Optional<String> sasToken) {
        @Override
        public String toString() {
            return "AzureBlobSettings[" + container + "/" + prefix + "]";
        }
    }

    /** A new integration: {@code kind} is folder (the default), s3, azure_blob or uploads. */
    public record NewIntegration(String provider, String name, Optional<String> kind, Optional<String> folder,
                                 Optional<S3Settings> s3, Optional<AzureBlobSettings> azureBlob,
                                 Optional<Integer> syncMinutes) {
        public NewIntegration(String provider, String name, Optional<String> kind, Optional<String> folder,
                              Optional<S3Settings> s3, Optional<Integer> syncMinutes) {
            this(provider, name, kind, folder, s3, Optional.empty(), syncMinutes);
        }
    }

    public Integration create(UUID account, NewIntegration spec, String createdBy) {
        String kind = spec.kind().map(k -> k.strip().toLowerCase(Locale.ROOT)).filter(k -> !k.isEmpty())
                .orElse(spec.s3().isPresent() ? "s3" : spec.azureBlob().isPresent() ? "azure_blob" : "folder");
        int minutes = syncMinutes(spec.syncMinutes());
        return tx.execute(status -> {
            Integration created = integrations.create(account, spec.provider(), spec.name(), Optional.empty(), createdBy);
            IntegrationLocation location;
            String credential = null;
            switch (kind) {
                case "folder" -> {
                    Optional<Path> folder = spec.folder().filter(f -> !f.isBlank()).map(f -> allowedFolder(account, f));
                    location = new IntegrationLocation.Folder(folder.map(Path::toString));
                    folder.ifPresent(f -> jdbc.sql(SQL.get("set-folder")).param("folder", f.toString())
                            .param("account", account).param("id", created.id()).update());
                }
                case "s3" -> {
                    S3Setup.requireProvider(created.provider());
                    S3Settings s3 = spec.s3().orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT,
                            "s3 settings (bucket, report_name, and access keys or a role) are required for an S3"
                                    + " integration"));
                    location = S3Setup.location(s3, allowS3Endpoints);
                    credential = s3.secretAccessKey().filter(k -> !k.isBlank())
                            .map(k -> secrets.seal(k.strip(), context(created.id()))).orElse(null);
                    S3Setup.credentials(created.id(), (IntegrationLocation.S3) location, Optional.ofNullable(credential));
                }
                case "azure_blob" -> {
                    AzureBlobSetup.requireProvider(created.provider());
                    AzureBlobSetup.Checked azure = AzureBlobSetup.check(spec.azureBlob().orElseThrow(() ->
                            new RebillException(ErrorCode.BAD_ARGUMENT, "azure_blob settings (container, and a"
                                    + " connection_string or account_url with account_key or sas_token) are required"
                                    + " for an Azure Blob integration")), Optional.empty(), allowS3Endpoints);
                    location = azure.location();
                    credential = azure.secret().map(k -> secrets.seal(k, context(created.id()))).orElseThrow();
                }
                case "uploads" -> location = new IntegrationLocation.Uploads();
                default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "kind '" + kind
                        + "' is not one of [folder, s3, azure_blob, uploads]");
            }
            jdbc.sql(SQL.get("set-location")).param("kind", location.kind()).param("location", IntegrationRows.json(location))
                    .param("credential", credential, Types.VARCHAR).param("syncMinutes", minutes)
                    .param("next", scheduled(location) ? at(clock.instant()) : null, Types.TIMESTAMP_WITH_TIMEZONE)
                    .param("account", account).param("id", created.id()).update();
            Integration integration = integrations.find(account, created.id());
            // inside the transaction: if the source cannot be configured, the integration is not created either
            configure(integration);
            return integration;
        });
    }

    /**
     * Changes an S3 integration's settings (a secret left empty keeps the stored one) and how often it syncs.
     */
    public Integration change(UUID account, UUID id, Optional<S3Settings> s3, Optional<Integer> syncMinutes) {
        return change(account, id, s3, Optional.empty(), syncMinutes);
    }

    /**
     * Changes an S3 or Azure Blob integration's settings (a secret left empty keeps the stored one) and how often it
     * syncs.
     */
    public Integration change(UUID account, UUID id, Optional<S3Settings> s3, Optional<AzureBlobSettings> azureBlob,
                              Optional<Integer> syncMinutes) {
        return tx.execute(status -> {
            Integration integration = integrations.find(account, id);
            if (s3.isPresent()) {
                if (!(integration.location() instanceof IntegrationLocation.S3)) {
                    throw new RebillException(ErrorCode.BAD_ARGUMENT, "integration " + id + " does not read from S3;"
                            + " its S3 settings cannot be changed");
                }
                IntegrationLocation.S3 location = S3Setup.location(s3.get(), allowS3Endpoints);
                Optional<String> credential = s3.get().secretAccessKey().filter(k -> !k.isBlank())
                        .map(k -> secrets.seal(k.strip(), context(id)))
                        .or(() -> storedCredential(account, id).filter(c -> location.accessKeyId().isPresent()));
                S3Setup.credentials(id, location, credential);
                jdbc.sql(SQL.get("set-location")).param("kind", location.kind())
                        .param("location", IntegrationRows.json(location))
                        .param("credential", credential.orElse(null), Types.VARCHAR)
                        .param("syncMinutes", syncMinutes(syncMinutes.or(() -> Optional.of((int) integration.sync()
                                .every().toMinutes()))))
                        .param("next", at(clock.instant()), Types.TIMESTAMP_WITH_TIMEZONE)
                        .param("account", account).param("id", id).update();
            } else if (azureBlob.isPresent()) {
                if (!(integration.location() instanceof IntegrationLocation.AzureBlob stored)) {
                    throw new RebillException(ErrorCode.BAD_ARGUMENT, "integration " + id + " does not read from"
                            + " Azure Blob Storage; its azure_blob settings cannot be changed");
                }
                AzureBlobSetup.Checked azure = AzureBlobSetup.check(azureBlob.get(), Optional.of(stored),
                        allowS3Endpoints);
                String credential = azure.secret().map(k -> secrets.seal(k, context(id)))
                        .or(() -> storedCredential(account, id)).orElseThrow(() -> new RebillException(
                                ErrorCode.BAD_ARGUMENT, "integration " + integration.name() + " has no stored secret;"
                                + " give connection_string, account_key or sas_token"));
                jdbc.sql(SQL.get("set-location")).param("kind", azure.location().kind())
                        .param("location", IntegrationRows.json(azure.location()))
                        .param("credential", credential, Types.VARCHAR)
                        .param("syncMinutes", syncMinutes(syncMinutes.or(() -> Optional.of((int) integration.sync()
                                .every().toMinutes()))))
                        .param("next", at(clock.instant()), Types.TIMESTAMP_WITH_TIMEZONE)
                        .param("account", account).param("id", id).update();
            } else if (syncMinutes.isPresent()) {
                int minutes = syncMinutes(syncMinutes);
                jdbc.sql(SQL.get("set-sync-minutes")).param("syncMinutes", minutes)
                        .param("next", at(clock.instant().plus(Duration.ofMinutes(minutes))),
                                Types.TIMESTAMP_WITH_TIMEZONE)
                        .param("account", account).param("id", id).update();
            }
            Integration changed = integrations.find(account, id);
            configure(changed);
            return changed;
        });
    }

    /**
     * Reads what is new at the integration's location now (the "Sync now" button, and the schedule): an S3 export
     * downloads only what changed; a folder is read again (the same files change nothing). Uploads have nothing to
     * fetch: each upload is ingested as it arrives.
     */
    public SyncResult sync(UUID account, UUID id) {
        Integration integration = integrations.find(account, id);
        SourceLocation location = switch (integration.location()) {
            case IntegrationLocation.Uploads u -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "integration "
                    + integration.name() + " takes uploaded files; upload a billing file to it instead");
            case IntegrationLocation.Folder f when f.folder().isEmpty() -> throw new RebillException(
                    ErrorCode.BAD_ARGUMENT, "integration " + integration.name() + " has no folder to read from");
            default -> sourceLocation(integration);
        };
        Instant started = clock.instant();
        try {
            return ingestion.sync(integration.sourceName(), location, ProgressListener.silent());
        } finally {
            jdbc.sql(SQL.get("synced")).param("at", at(started), Types.TIMESTAMP_WITH_TIMEZONE)
                    .param("next", scheduled(integration.location())
                            ? at(started.plus(integration.sync().every())) : null, Types.TIMESTAMP_WITH_TIMEZONE)
                    .param("account", account).param("id", id).update();
        }
    }

    /**
     * Ingests one uploaded file (already streamed to disk by the caller, under {@link #uploadFolder}) into the
     * integration, atomically as any ingest: a bad file leaves every stored period as it was. The file is removed
     * afterwards; what it held is in the stored periods.
     */
    public SyncResult upload(UUID account, UUID id, Path file) {
        Integration integration = integrations.find(account, id);
        if (!(integration.location() instanceof IntegrationLocation.Uploads)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "integration " + integration.name() + " reads its files"
                    + " from " + switch (integration.location()) {
                        case IntegrationLocation.S3 s3 -> "S3";
                        case IntegrationLocation.AzureBlob a -> "Azure Blob Storage";
                        case IntegrationLocation.Folder f -> "a folder";
                        case IntegrationLocation.Uploads u -> "uploads";
                    }
                    + "; files are uploaded to an integration of kind uploads");
        }
        try {
            var result = ingestion.ingest(integration.sourceName(), List.of(file), ProgressListener.silent());
            return new SyncResult(integration.sourceName(), result.unchanged() ? List.of() : result.periods(),
                    result.unchanged() ? result.periods() : List.of(), result.rows(), 1, result.bytes());
        } finally {
            Trees.delete(file.getParent());
        }
    }

    /** A new folder of its own for one upload, under the data folder's tmp/ (removed by {@link #upload}). */
    public Path uploadFolder() {
        try {
            return Files.createDirectories(ingestion.settings().tempDir().resolve("upload-" + UUID.randomUUID()));
        } catch (IOException e) {
            throw new RebillException(ErrorCode.STORAGE_FAILED, "cannot create an upload folder: " + e.getMessage(), e);
        }
    }

    /** Remote exports (S3, Azure Blob) sync on a schedule; a folder is read on demand, uploads as they arrive. */
    private static boolean scheduled(IntegrationLocation location) {
        return switch (location) {
            case IntegrationLocation.S3 s3 -> true;
            case IntegrationLocation.AzureBlob a -> true;
            case IntegrationLocation.Folder f -> false;
            case IntegrationLocation.Uploads u -> false;
        };
    }

    /** S3 and Azure Blob integrations due for their scheduled sync, each with its account (the scheduler runs for the operator). */
    public List<Due> due() {
        return jdbc.sql(SQL.get("due")).param("now", at(clock.instant()), Types.TIMESTAMP_WITH_TIMEZONE)
                .query((rs, n) -> new Due(rs.getObject("account_id", UUID.class), rs.getObject("id", UUID.class))).list();
    }

    public record Due(UUID account, UUID integration) {
    }

    /** Records in the ingestion source where its files are read from (a folder given, or an S3 export). */
    private void configure(Integration integration) {
        boolean readsSomewhere = switch (integration.location()) {
            case IntegrationLocation.Folder f -> f.folder().isPresent();
            case IntegrationLocation.S3 s3 -> true;
            case IntegrationLocation.AzureBlob a -> true;
            case IntegrationLocation.Uploads u -> false;
        };
        if (readsSomewhere) {
            ingestion.configure(integration.sourceName(), sourceLocation(integration));
        }
    }

    /** The ingestion location of an integration, with its credentials opened for the SDK (never for a person). */
    public SourceLocation sourceLocation(Integration integration) {
        return switch (integration.location()) {
            case IntegrationLocation.Folder f -> new LocalFolder(Path.of(f.folder().orElse(
                    folderOf(integration.accountId()).toString())));
            case IntegrationLocation.S3 s3 -> new S3Export(s3.bucket(), s3.prefix(), s3.reportName(), s3.region(),
                    s3.endpoint().map(URI::create), Optional.empty(), s3Credentials(integration, s3));
            case IntegrationLocation.AzureBlob azure -> AzureBlobSetup.container(azure,
                    storedCredential(integration.accountId(), integration.id())
                            .map(c -> secrets.open(c, context(integration.id())))
                            .orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT, "integration "
                                    + integration.name() + " has no stored secret; set its connection string")));
            case IntegrationLocation.Uploads u -> new LocalFolder(folderOf(integration.accountId()));
        };
    }

    /**
     * Seals again every stored credential that is not sealed with the current key (after {@code rebill secrets
     * rotate}); returns how many.
     */
    public int sealStoredCredentials() {
        return tx.execute(status -> {
            int changed = 0;
            String current = secrets.keys().current().id();
            for (var row : jdbc.sql(SQL.get("stored-credentials")).query((rs, n) -> new Object[]{
                    rs.getObject("account_id", UUID.class), rs.getObject("id", UUID.class), rs.getString("credential")})
                    .list()) {
                String sealed = (String) row[2];
                if (SecretBox.keyIdOf(sealed).equals(current)) {
                    continue;
                }
                UUID id = (UUID) row[1];
                changed += jdbc.sql(SQL.get("replace-credential")).param("account", row[0]).param("id", id)
                        .param("old", sealed).param("credential", secrets.seal(secrets.open(sealed, context(id)), context(id)))
                        .update();
            }
            return changed;
        });
    }

    /** The server folder an account's folder integrations read from. */
    public Path folderOf(UUID account) {
        return importRoot.resolve(account.toString());
    }

    /**
     * A folder on the server is read only inside the account's own import folder {@code <root>/<account id>/}, so no
     * account (nor MSP) can point Rebill at another's files.
     */
    Path allowedFolder(UUID account, String folder) {
        Path base = folderOf(account);
        Path resolved = base.resolve(folder.strip()).toAbsolutePath().normalize();
        if (!resolved.startsWith(base)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "folder '" + folder + "' is outside this account's"
                    + " import folder; put the billing files under it and name the folder relative to it");
        }
        return resolved;
    }

    private S3Credentials s3Credentials(Integration integration, IntegrationLocation.S3 s3) {
        if (s3.roleArn().isPresent()) {
            return new S3Credentials.AssumedRole(s3.roleArn().get(), s3.externalId().orElse(""));
        }
        String secret = storedCredential(integration.accountId(), integration.id())
                .map(c -> secrets.open(c, context(integration.id())))
                .orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT, "integration " + integration.name()
                        + " has no secret access key; set one"));
        return new S3Credentials.AccessKey(s3.accessKeyId().orElseThrow(), secret);
    }

    private Optional<String> storedCredential(UUID account, UUID id) {
        return jdbc.sql(SQL.get("credential")).param("account", account).param("id", id).query(String.class).optional();
    }

    private static int syncMinutes(Optional<Integer> minutes) {
        int m = minutes.orElse((int) IntegrationSync.DEFAULT_EVERY.toMinutes());
        if (m < MIN_SYNC_MINUTES || m > MAX_SYNC_MINUTES) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "sync_minutes must be between " + MIN_SYNC_MINUTES
                    + " and " + MAX_SYNC_MINUTES + " (a week), was " + m);
        }
        return m;
    }

    private static java.time.OffsetDateTime at(Instant instant) {
        return java.time.OffsetDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
    }

    /** What a credential is bound to when sealed: its integration, so a sealed value moved to another row fails. */
    private static String context(UUID integration) {
        return "integration:" + integration;
    }
}

package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.SyncResult;
import io.rebill.linking.ProviderAccounts;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.IntegrationLocation;
import io.rebill.tenancy.IntegrationSetup;
import io.rebill.tenancy.Integrations;
import io.rebill.tenancy.LinkedAccount;
import io.rebill.web.ServerPaths;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Provider integrations, both ways of the seed: an account's own (workflow 1: a customer's own payer, configured in
 * the customer account) and the MSP's consolidated payer whose linked accounts the MSP bills to its customers
 * (workflow 2). A customer sees the MSP's integrations that bill it read-only ({@code /managed_integrations}), with
 * status Stable or Error and only its own linked accounts.
 */
@RestController
@RequestMapping("/api/v1")
class IntegrationsApi {
    private final Integrations integrations;
    private final Accounts accounts;
    private final Ingestion ingestion;
    private final AuditLog audit;
    private final IntegrationSetup setup;

    private final io.rebill.invoicing.BillRuns billRuns;
    private final ProviderAccounts providerAccounts;
    private final LinkedAccountsAnswers linkedAccountsAnswers;

    IntegrationsApi(Integrations integrations, Accounts accounts, Ingestion ingestion, AuditLog audit,
                    IntegrationSetup setup, io.rebill.invoicing.BillRuns billRuns, ProviderAccounts providerAccounts,
                    LinkedAccountsAnswers linkedAccountsAnswers) {
        this.linkedAccountsAnswers = linkedAccountsAnswers;
        this.billRuns = billRuns;
        this.providerAccounts = providerAccounts;
        this.integrations = integrations;
        this.accounts = accounts;
        this.ingestion = ingestion;
        this.audit = audit;
        this.setup = setup;
    }

    /**
     * An integration as the API shows it. {@code location} says where its files come from (kind folder, s3 or
     * uploads); of an S3 export it shows the bucket, prefix, report name, region and access key id or role, and only
     * whether a secret access key is set, never the key. A customer viewing the MSP's integration sees no location.
     */
    record IntegrationJson(UUID id, String provider, String name, String status, Optional<String> message,
                           List<String> periods, Instant createdAt, String createdBy, boolean managedByMsp,
                           Optional<Map<String, Object>> location, int syncMinutes, Optional<Instant> lastSyncAt,
                           Optional<Instant> nextSyncAt) {
    }

    record LinkedAccountJson(String subAccountId, String from, Optional<UUID> customerAccountId,
                             Optional<String> customerName, String createdBy) {
        static LinkedAccountJson of(LinkedAccount l) {
            return new LinkedAccountJson(l.subAccountId(), l.from().toString(), l.customerId(), l.customerName(),
                    l.createdBy());
        }
    }

    /**
     * {@code kind}: folder (default), s3 (with {@code s3}), azure_blob (with {@code azure_blob}) or uploads;
     * {@code sync_minutes} default 360 (6 hours).
     */
    record NewIntegration(String provider, String name, Optional<String> kind, Optional<String> folder,
                          Optional<S3Json> s3, Optional<AzureBlobJson> azureBlob, Optional<Integer> syncMinutes) {
        NewIntegration(String provider, String name, Optional<String> folder) {
            this(provider, name, Optional.empty(), folder, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** Azure Blob settings as sent: the connection string, account key and SAS token are write-only. */
    record AzureBlobJson(Optional<String> accountUrl, String container, Optional<String> prefix,
                         Optional<String> exportKind, Optional<String> connectionString, Optional<String> accountKey,
                         Optional<String> sasToken) {
        IntegrationSetup.AzureBlobSettings settings() {
            return new IntegrationSetup.AzureBlobSettings(opt(accountUrl), container, opt(prefix).orElse(""),
                    opt(exportKind), opt(connectionString), opt(accountKey), opt(sasToken));
        }

        boolean replacesSecret() {
            return java.util.stream.Stream.of(opt(connectionString), opt(accountKey), opt(sasToken))
                    .anyMatch(v -> v.filter(x -> !x.isBlank()).isPresent());
        }

        @Override
        public String toString() {
            return "AzureBlobJson[" + container + "]";
        }
    }

    /** S3 settings as sent: the secret access key is write-only (left out on a change, the stored one is kept). */
    record S3Json(String bucket, Optional<String> prefix, String reportName, Optional<String> region,
                  Optional<String> endpoint, Optional<String> accessKeyId, Optional<String> secretAccessKey,
                  Optional<String> roleArn, Optional<String> externalId) {
        IntegrationSetup.S3Settings settings() {
            return new IntegrationSetup.S3Settings(bucket, opt(prefix).orElse(""), reportName, opt(region).orElse(""),
                    opt(endpoint), opt(accessKeyId), opt(secretAccessKey), opt(roleArn), opt(externalId));
        }

        @Override
        public String toString() {
            return "S3Json[" + bucket + "]";
        }
    }

    record IntegrationChange(Optional<S3Json> s3, Optional<AzureBlobJson> azureBlob, Optional<Integer> syncMinutes) {
        IntegrationChange(Optional<S3Json> s3, Optional<Integer> syncMinutes) {
            this(s3, Optional.empty(), syncMinutes);
        }
    }

    static <T> Optional<T> opt(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    record Assignment(Optional<UUID> customerAccountId, String from) {
    }

    record Discovered(String subAccountId, String period, Optional<UUID> customerAccountId, Optional<String> customerName) {
    }

    IntegrationJson json(Integration i, boolean managed) {
        Optional<SourceState> state = ingestion.find(i.sourceName());
        String status = state.map(s -> switch (s.status()) {
            case STABLE -> "Stable";
            case ERROR -> "Error";
            case NEW -> "Pending";
        }).orElse("Pending");
        // an error names files by their name only: where the server keeps them is not for the API's callers
        return new IntegrationJson(i.id(), i.provider(), i.name(), status,
                state.map(SourceState::message).map(ServerPaths::withoutFolders),
                state.map(s -> s.periods().stream().map(p -> p.period().toString()).toList()).orElse(List.of()),
                i.createdAt(), i.createdBy(), managed, Optional.of(location(i)), (int) i.sync().every().toMinutes(),
                i.sync().last(), i.sync().next());
    }

    private static Map<String, Object> location(Integration i) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("kind", i.location().kind());
        switch (i.location()) {
            case IntegrationLocation.S3 s3 -> {
                m.put("bucket", s3.bucket());
                m.put("prefix", s3.prefix());
                m.put("report_name", s3.reportName());
                m.put("region", s3.region());
                s3.endpoint().ifPresent(e -> m.put("endpoint", e));
                s3.accessKeyId().ifPresent(k -> m.put("access_key_id", k));
                if (s3.accessKeyId().isPresent()) {
                    m.put("secret_access_key_set", i.sync().credentialSet());
                }
                s3.roleArn().ifPresent(r -> m.put("role_arn", r));
                s3.externalId().ifPresent(x -> m.put("external_id", x));
            }
            case IntegrationLocation.AzureBlob azure -> {
                m.put("account_url", azure.accountUrl());
                m.put("container", azure.container());
                m.put("prefix", azure.prefix());
                m.put("export_kind", azure.exportKind());
                m.put("auth", azure.auth());
                m.put("secret_set", i.sync().credentialSet());
            }
            case IntegrationLocation.Folder f -> { }
            case IntegrationLocation.Uploads u -> { }
        }
        return m;
    }

    @GetMapping("/integrations")
    List<IntegrationJson> list(Actor actor) {
        actor.require(actor.account().isMsp() ? Permission.VIEW_MANAGEMENT_ACCOUNT : Permission.VIEW_ACCOUNT);
        return integrations.of(actor.account().id()).stream().map(i -> json(i, false)).toList();
    }

    @GetMapping("/integrations/{id}")
    IntegrationJson get(Actor actor, @PathVariable UUID id) {
        actor.require(actor.account().isMsp() ? Permission.VIEW_MANAGEMENT_ACCOUNT : Permission.VIEW_ACCOUNT);
        return json(integrations.find(actor.account().id(), id), false);
    }

    @PostMapping("/integrations")
    ResponseEntity<IntegrationJson> create(Actor actor, @RequestBody NewIntegration body) {
        actor.require(managePermission(actor));
        ManagedAccountsApi.required(body.name(), "name");
        Integration created = setup.create(actor.account().id(), new IntegrationSetup.NewIntegration(body.provider(),
                body.name(), opt(body.kind()), opt(body.folder()), opt(body.s3()).map(S3Json::settings),
                opt(body.azureBlob()).map(AzureBlobJson::settings), opt(body.syncMinutes())), actor.createdBy());
        audit.record(actor, "integration.create", created.id().toString(),
                Map.of("name", created.name(), "provider", created.provider(), "kind", created.location().kind()));
        return ResponseEntity.status(HttpStatus.CREATED).header("Location", "/api/v1/integrations/" + created.id())
                .body(json(created, false));
    }

    /**
     * Changes an S3 or Azure Blob export's settings (replacing its secret only when one is sent) or how often it
     * syncs.
     */
    @PatchMapping("/integrations/{id}")
    IntegrationJson change(Actor actor, @PathVariable UUID id, @RequestBody IntegrationChange body) {
        actor.require(managePermission(actor));
        Integration changed = setup.change(actor.account().id(), id, opt(body.s3()).map(S3Json::settings),
                opt(body.azureBlob()).map(AzureBlobJson::settings), opt(body.syncMinutes()));
        audit.record(actor, "integration.change", id.toString(), Map.of("name", changed.name(),
                "secret_replaced", opt(body.s3()).flatMap(s -> opt(s.secretAccessKey())).filter(k -> !k.isBlank())
                        .isPresent() || opt(body.azureBlob()).filter(AzureBlobJson::replacesSecret).isPresent(),
                "sync_minutes", changed.sync().every().toMinutes()));
        return json(changed, false);
    }

    /**
     * Reads what is new at the integration's location now (the Sync now button; S3 exports also sync on their
     * schedule): an S3 export downloads only the periods whose manifest changed, a folder is read again (providers
     * restate a month many times; a repeat changes nothing).
     */
    @PostMapping("/integrations/{id}/ingest")
    IntegrationJson ingest(Actor actor, @PathVariable UUID id) {
        actor.require(managePermission(actor));
        Integration integration = integrations.find(actor.account().id(), id);
        try {
            SyncResult result = setup.sync(actor.account().id(), id);
            ingested(actor, integration, result);
        } catch (io.rebill.shared.errors.RebillException e) {
            // the source is now in status Error with the reason; the answer says so too
            audit.record(actor, "integration.ingest_failed", id.toString(),
                    Map.of("error", ServerPaths.withoutFolders(e.getMessage())));
            throw e;
        }
        return json(integrations.find(actor.account().id(), id), false);
    }

    AuditLog audit() {
        return audit;
    }

    /** Records what a sync or an upload ingested; new data of an MSP integration bills its periods' drafts again. */
    void ingested(Actor actor, Integration integration, SyncResult result) {
        audit.record(actor, "integration.ingest", integration.id().toString(), Map.of("rows", result.rows(),
                "periods", result.ingested().stream().map(BillingPeriod::toString).toList(),
                "unchanged", result.unchanged().stream().map(BillingPeriod::toString).toList(),
                "objects_downloaded", result.objectsDownloaded()));
        if (result.changedAnything()) {
            // a customer's own integration is not re-billed
            billRuns.ingested(actor.account().id(), result.ingested(), integration.name());
        }
    }

    @DeleteMapping("/integrations/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        actor.require(managePermission(actor));
        Integration removed = integrations.delete(actor.account().id(), id);
        ingestion.delete(removed.sourceName());
        audit.record(actor, "integration.delete", id.toString(), Map.of("name", removed.name()));
        return ResponseEntity.noContent().build();
    }

    /** The MSP's integrations that bill this customer: read-only for the customer, with only its own linked accounts. */
    @GetMapping("/managed_integrations")
    List<Map<String, Object>> managed(Actor actor) {
        actor.require(Permission.VIEW_ACCOUNT);
        UUID customer = actor.account().id();
        UUID msp = actor.account().mspId().orElse(null);
        if (msp == null) {
            return List.of();
        }
        return integrations.managedFor(customer).stream().map(i -> Map.<String, Object>of(
                "integration", asSeenByCustomer(json(i, true)),
                "linked_accounts", integrations.linkedAccounts(msp, i.id(), customer).stream()
                        .map(l -> Map.of("sub_account_id", l.subAccountId(), "from", l.from().toString())).toList()))
                .toList();
    }

    /**
     * The MSP's integration as its customer sees it: created by "Manager User", like everything the MSP's staff make
     * for a customer (the seed keeps the MSP's people anonymous to customers).
     */
    private static IntegrationJson asSeenByCustomer(IntegrationJson i) {
        return new IntegrationJson(i.id(), i.provider(), i.name(), i.status(), i.message(), i.periods(), i.createdAt(),
                AuditLog.MANAGER_USER, i.managedByMsp(), Optional.empty(), i.syncMinutes(), i.lastSyncAt(),
                i.nextSyncAt());
    }

    /**
     * Linked accounts of an MSP integration: those seen in its latest period and every assignment made. The JSON is
     * kept under the version of everything it is made of ({@link LinkedAccountsAnswers}), read first on every request.
     */
    @GetMapping("/integrations/{id}/linked_accounts")
    ResponseEntity<byte[]> linkedAccounts(Actor actor, @PathVariable UUID id) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        ProviderAccounts.SeenVersion version = providerAccounts.version(msp, id);
        byte[] answer = linkedAccountsAnswers.answer(version, () -> {
            Integration integration = integrations.find(msp, id);
            List<LinkedAccount> assigned = integrations.linkedAccounts(msp, id);
            return Map.of("assignments", assigned.stream().map(LinkedAccountJson::of).toList(),
                    "seen", discovered(msp, integration));
        });
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(answer);
    }

    /** Bills one linked account to a customer (or to nobody: customer_account_id null) from a period on. */
    @PutMapping("/integrations/{id}/linked_accounts/{subAccountId}")
    LinkedAccountJson assign(Actor actor, @PathVariable UUID id, @PathVariable String subAccountId,
                             @RequestBody Assignment body) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.MANAGE_PROVIDER_INTEGRATIONS);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        ManagedAccountsApi.required(body.from(), "from");
        Optional<UUID> customer = body.customerAccountId() == null ? Optional.empty() : body.customerAccountId();
        LinkedAccount linked = integrations.assign(msp, id, subAccountId, customer, BillingPeriod.parse(body.from()),
                accounts, actor.createdBy());
        audit.record(actor, "linked_account.assign", id + "/" + subAccountId, Map.of("from", body.from(),
                "customer_account_id", customer.map(UUID::toString).orElse("none")));
        configurationChanged(msp);
        return LinkedAccountJson.of(linked);
    }

    @DeleteMapping("/integrations/{id}/linked_accounts/{subAccountId}/{from}")
    ResponseEntity<Void> unassign(Actor actor, @PathVariable UUID id, @PathVariable String subAccountId,
                                  @PathVariable String from) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.MANAGE_PROVIDER_INTEGRATIONS);
        integrations.unassign(msp, id, subAccountId, BillingPeriod.parse(from));
        audit.record(actor, "linked_account.unassign", id + "/" + subAccountId, Map.of("from", from));
        configurationChanged(msp);
        return ResponseEntity.noContent().build();
    }

    /** Which customer a linked account bills to is part of the billing configuration: drafts follow it. */
    private void configurationChanged(UUID msp) {
        billRuns.configurationChanged(msp);
    }

    /** The MSP integrations billing a customer account, seen from the MSP (seed: the account's Integrations tab). */
    @GetMapping("/managed_accounts/{customer}/integrations")
    List<Map<String, Object>> ofCustomer(Actor actor, @PathVariable UUID customer) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        accounts.managed(msp, customer);
        return integrations.of(msp).stream().map(i -> Map.<String, Object>of(
                "integration", json(i, true),
                "linked_accounts", integrations.linkedAccounts(msp, i.id(), customer).stream()
                        .map(LinkedAccountJson::of).toList())).toList();
    }

    /**
     * The accounts the integration saw in its latest period, with the customer each is billed to then. Read through
     * the linking feature's cache of each stored generation (a re-ingest makes a new one), so a request does not
     * sum the period's lines in DuckDB again; the assignments and customer names are read at each build of the
     * answer, i.e. once per version of them.
     */
    List<Discovered> discovered(UUID msp, Integration integration) {
        return providerAccounts.seen(msp, integration.id()).stream()
                .map(a -> new Discovered(a.subAccountId(), a.period(), a.customerId(), a.customerName()))
                .toList();
    }

    static Permission managePermission(Actor actor) {
        return actor.account().isMsp() ? Permission.MANAGE_PROVIDER_INTEGRATIONS : Permission.MANAGE_ACCOUNT_INTEGRATIONS;
    }

    /** The server folder this account's folder integrations read from. */
    Path folderOf(Actor actor) {
        return setup.folderOf(actor.account().id());
    }
}

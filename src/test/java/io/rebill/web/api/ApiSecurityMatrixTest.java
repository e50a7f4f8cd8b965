package io.rebill.web.api;

import io.rebill.identity.ApiTokens;
import io.rebill.identity.Role;
import io.rebill.identity.SsoConnections;
import io.rebill.identity.TokenScope;
import io.rebill.identity.Users;
import io.rebill.ingestion.TestFiles;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.AccountKind;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integrations;
import io.rebill.web.PortalClient;
import io.rebill.web.PortalClient.Response;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

import static io.rebill.ingestion.LineItemFixture.aLineItem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may call what: every /api/v1 operation (read from the application's handler mappings, so a new operation
 * without a row fails here) called by every kind of caller, against the seed's RBAC table and the tenant rules.
 *
 * <p>Callers act on the resources of the account they act in: the MSP's staff and tokens on the MSP's, Manager
 * Users and customer A's users on A's. The outsiders aim at someone else's: customer B's Owner at A's ids, the other
 * MSP's Owner at the first MSP's ids, so their column is the cross-tenant check (404, like an unknown id). Each call
 * that deletes or changes gets a fresh target. Besides the expected status, every call is checked for:
 * the status and body being what the OpenAPI document says; nothing in the database changed when the call was
 * refused (or only read); and no answer naming what the caller must not see (other tenants, the MSP's staff behind
 * "Manager User", the MSP's exclusions and adjustments).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSecurityMatrixTest extends ApiTestBase {
    /*
     * Columns:
     *   anon                    not signed in
     *   own iown edit view      the MSP's Owner, Integration Owner, Editor, Viewer in the MSP account
     *   m.own m.iow m.edt m.vw  the same four inside customer account A as Manager User (header Rebill-Account: A)
     *   s.own                   the MSP's Owner inside A through the session (POST /managed_accounts/A/enter)
     *   a.own a.edt a.vw        customer A's own Owner, Editor, Viewer
     *   b.own                   customer B's Owner, aiming at A's ids
     *   x.own                   another MSP's Owner, aiming at the first MSP's ids
     *   t.rd t.wr               the MSP Owner's read-only and write API tokens
     * Cells: 2xx = done; otherwise the exact status (400 bad request, 401 not signed in, 403 not allowed, 404 unknown).
     * Billing rules, workflows and msp.yaml are the MSP's alone (customers and Manager Users 403); SSO belongs to the
     * customer account the caller acts in (b.own's column is B's own connection).
     */
    private static final String EXPECTED = """
            route                                                            anon  own   iown  edit  view  m.own m.iow m.edt m.vw  s.own a.own a.edt a.vw  b.own x.own t.rd  t.wr
            GET    /openapi.json                                             2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            GET    /me                                                       401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            POST   /session/return                                           401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            GET    /managed_accounts                                         401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   2xx   2xx
            POST   /managed_accounts                                         401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   403   2xx
            GET    /managed_accounts/{id}                                    401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            PATCH  /managed_accounts/{id}                                    401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            DELETE /managed_accounts/{id}                                    401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            POST   /managed_accounts/{id}/unlink                             401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            POST   /managed_accounts/{id}/enter                              401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   403   403   403   403   404   403   400
            GET    /managed_accounts/{customer}/integrations                 401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            GET    /managed_accounts/{id}/provider_accounts                  401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            POST   /managed_accounts/{id}/provider_accounts/link             401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            POST   /managed_accounts/{id}/provider_accounts/unlink           401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /users                                                    401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            POST   /users                                                    401   2xx   403   403   403   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   403   2xx
            GET    /users/{id}                                               401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            PATCH  /users/{id}                                               401   2xx   403   403   403   2xx   2xx   403   403   2xx   2xx   403   403   404   404   403   2xx
            DELETE /users/{id}                                               401   2xx   403   403   403   2xx   2xx   403   403   2xx   2xx   403   403   404   404   403   2xx
            GET    /api_tokens                                               401   2xx   2xx   2xx   2xx   403   403   403   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            POST   /api_tokens                                               401   2xx   2xx   2xx   2xx   403   403   403   403   403   2xx   2xx   2xx   2xx   2xx   403   403
            DELETE /api_tokens/{id}                                          401   2xx   403   403   403   403   403   403   403   403   2xx   403   403   404   404   403   2xx
            GET    /integrations                                             401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            POST   /integrations                                             401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   403   2xx
            GET    /integrations/{id}                                        401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            DELETE /integrations/{id}                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   403   403   404   404   403   2xx
            PATCH  /integrations/{id}                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   403   403   404   404   403   2xx
            POST   /integrations/{id}/uploads                                401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   403   403   404   404   403   2xx
            POST   /integrations/{id}/ingest                                 401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   403   403   404   404   403   2xx
            GET    /integrations/{id}/linked_accounts                        401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            PUT    /integrations/{id}/linked_accounts/{subAccountId}         401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            DELETE /integrations/{id}/linked_accounts/{subAccountId}/{from}  401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /billing_rules                                            401   2xx   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   2xx   2xx   2xx
            POST   /billing_rules                                            401   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   403   2xx   403   2xx
            POST   /billing_rules/preview                                    401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            GET    /billing_rules/{id}                                       401   2xx   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            PUT    /billing_rules/{id}                                       401   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            PATCH  /billing_rules/{id}                                       401   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            DELETE /billing_rules/{id}                                       401   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /workflows                                                401   2xx   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   2xx   2xx   2xx
            POST   /workflows                                                401   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   403   2xx   403   2xx
            GET    /workflows/{id}                                           401   2xx   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            PUT    /workflows/{id}                                           401   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            PATCH  /workflows/{id}                                           401   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            DELETE /workflows/{id}                                           401   2xx   2xx   2xx   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /managed_accounts/{account}/billing_rules                 401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            PUT    /managed_accounts/{account}/billing_rules                 401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /managed_accounts/{account}/workflow_assignments          401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            POST   /managed_accounts/{account}/workflow_assignments          401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            DELETE /managed_accounts/{account}/workflow_assignments/{from}   401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /billing_config                                           401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   2xx   2xx
            PUT    /billing_config                                           401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   403   2xx
            GET    /exchange_rates                                           401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   2xx   2xx
            PUT    /exchange_rates/{from}/{period}                           401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   403   2xx
            DELETE /exchange_rates/{from}/{period}                           401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /sso                                                      401   403   403   403   403   2xx   2xx   403   403   2xx   2xx   403   403   2xx   403   403   403
            PUT    /sso                                                      401   403   403   403   403   2xx   2xx   403   403   2xx   2xx   403   403   2xx   403   403   403
            DELETE /sso                                                      401   403   403   403   403   2xx   2xx   403   403   2xx   2xx   403   403   2xx   403   403   403
            GET    /managed_integrations                                     401   403   403   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   403   403   403
            GET    /audit_logs                                               401   2xx   403   403   403   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   403   2xx
            GET    /sources                                                  401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            GET    /sources/{name}                                           401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            GET    /sources/{name}/periods/{period}/costs                    401   2xx   2xx   2xx   2xx   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            GET    /bill_runs                                                401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   2xx   2xx
            POST   /bill_runs                                                401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   403   2xx
            GET    /bill_runs/{id}                                           401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            GET    /billing/{period}                                         401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   2xx   2xx
            POST   /billing/{period}/close                                   401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   2xx   403   2xx
            GET    /costs                                                    401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            GET    /cost_reports                                             401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            POST   /cost_reports                                             401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   2xx   2xx   403   2xx
            GET    /cost_reports/{id}                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            PUT    /cost_reports/{id}                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   404   404   403   2xx
            DELETE /cost_reports/{id}                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   404   404   403   2xx
            GET    /cost_reports/{id}/data                                   401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            GET    /cost_reports/{id}/csv                                    401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            GET    /virtual_tags                                             401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            POST   /virtual_tags                                             401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   2xx   2xx   403   2xx
            GET    /virtual_tags/{id}                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            PUT    /virtual_tags/{id}                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   404   404   403   2xx
            DELETE /virtual_tags/{id}                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   404   404   403   2xx
            GET    /costs/focus                                              401   400   400   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   400   400   400
            GET    /invoices                                                 401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            GET    /invoices/{id}                                            401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            POST   /invoices/{id}/issue                                      401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            POST   /invoices/{id}/void                                       401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            POST   /invoices/{id}/send                                       401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /invoices/{id}/pdf                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            GET    /invoices/{id}/csv                                        401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            GET    /invoices/{id}/rule_effects                               401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            GET    /billing_details/{account}                                401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   2xx   2xx
            PUT    /billing_details/{account}                                401   2xx   2xx   403   403   403   403   403   403   403   403   403   403   403   404   403   2xx
            GET    /budgets                                                  401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            POST   /budgets                                                  401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   2xx   2xx   403   2xx
            GET    /budgets/{id}                                             401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            PUT    /budgets/{id}                                             401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   404   404   403   2xx
            DELETE /budgets/{id}                                             401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   404   404   403   2xx
            GET    /notification_channels                                    401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            POST   /notification_channels                                    401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   2xx   2xx   403   2xx
            GET    /notification_channels/{id}                               401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            PUT    /notification_channels/{id}                               401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   404   404   403   2xx
            DELETE /notification_channels/{id}                               401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   403   404   404   403   2xx
            GET    /notifications                                            401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            GET    /notifications/{id}                                       401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   404   404   2xx   2xx
            GET    /anomalies                                                401   2xx   2xx   403   403   2xx   2xx   403   403   2xx   2xx   2xx   2xx   2xx   2xx   2xx   2xx
            """;

    private static final String PERIOD = "2024-09";
    /** In every billing rule and workflow the matrix makes: no customer answer may contain it. */
    private static final String MSP_ONLY = "msponly";
    private static final String SSO_SECRET = "matrix-sso-secret-";
    /** Read-only although POST: answered 2xx, they must change nothing either. */
    private static final Set<String> DRY_RUNS = Set.of("POST /billing_rules/preview");
    private static final String CUSTOMER_PASSWORD = "customer-password-1";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Accounts accounts;
    @Autowired
    Users users;
    @Autowired
    ApiTokens tokens;
    @Autowired
    Integrations integrations;
    @Autowired
    io.rebill.tenancy.IntegrationSetup integrationSetup;
    @Autowired
    io.rebill.invoicing.BillRuns billRuns;
    @Autowired
    SsoConnections ssoConnections;

    /** The OpenID Connect provider of customer A's and B's SSO (PUT /sso reads its discovery document). */
    private final MockOAuth2Server provider = new MockOAuth2Server();
    private PortalClient ownerAtHome;

    private final OpenApiContract contract = new OpenApiContract();
    private final AtomicInteger serial = new AtomicInteger();
    private DatabaseFingerprint fingerprint;

    // the world: MSP 1 with customers A and B; MSP 2 with customer C
    private Account msp1;
    private Account msp2;
    private Account a;
    private Account b;
    private Account c;
    private UUID msp1Holder;
    private UUID aHolder;
    private UUID msp1Integration;
    private UUID aIntegration;
    private UUID msp2Integration;
    private String msp1Source;
    private String aSource;
    private UUID hiddenExclusion;
    private UUID hiddenWorkflow;
    private UUID issuedInA;
    private UUID billedInA;
    private UUID runOfMsp1;
    private final Map<String, Caller> callers = new LinkedHashMap<>();

    /** One column: who calls, the account whose ids they aim at, and what no answer to them may contain. */
    record Caller(String column, PortalClient client, Account target, boolean enterFirst, Set<String> mustNotSee) {
    }

    /** One request of a row. */
    record Call(String method, String path, Object body) {
    }

    @BeforeAll
    void createTheWorld() throws Exception {
        fingerprint = new DatabaseFingerprint(jdbc);
        PortalClient owner = PortalClient.signIn(port, OWNER, PASSWORD);
        UUID ownerId = users.findByEmail(OWNER).orElseThrow().id();
        msp1 = accounts.find(users.memberships(ownerId).getFirst().accountId()).orElseThrow();
        for (String[] u : new String[][]{{"iown@msp.example", "integration_owner"}, {"editor@msp.example", "editor"},
                {"viewer@msp.example", "viewer"}}) {
            created(owner.post("/api/v1/users", Map.of("email", u[0], "role", u[1], "password", PASSWORD)));
        }
        msp1Holder = users.addMember(msp1.id(), AccountKind.MSP, "holder@msp.example", "Token Holder",
                Optional.empty(), Role.VIEWER, "matrix").userId();
        a = accounts.find(UUID.fromString(created(owner.post("/api/v1/managed_accounts",
                Map.of("name", "Customer A Corp", "contact_email", "admin+a@msp.example"))))).orElseThrow();
        b = accounts.find(UUID.fromString(created(owner.post("/api/v1/managed_accounts",
                Map.of("name", "Customer B Corp", "contact_email", "admin+b@msp.example"))))).orElseThrow();

        PortalClient managerInA = PortalClient.signIn(port, OWNER, PASSWORD).header("Rebill-Account", a.id().toString());
        for (String[] u : new String[][]{{"owner@a.example", "owner"}, {"editor@a.example", "editor"},
                {"viewer@a.example", "viewer"}}) {
            created(managerInA.post("/api/v1/users", Map.of("email", u[0], "role", u[1], "password", CUSTOMER_PASSWORD)));
        }
        aHolder = users.addMember(a.id(), AccountKind.CUSTOMER, "holder@a.example", "A Token Holder", Optional.empty(),
                Role.VIEWER, "matrix").userId();
        users.addMember(b.id(), AccountKind.CUSTOMER, "owner@b.example", "B Owner", Optional.of(CUSTOMER_PASSWORD),
                Role.OWNER, "matrix");

        msp2 = accounts.createMsp("other", "Other MSP", "admin@other.example", "other.example", "USD", "matrix");
        users.addMember(msp2.id(), AccountKind.MSP, "owner@other.example", "Other Owner", Optional.of(PASSWORD),
                Role.OWNER, "matrix");
        c = accounts.createManaged(msp2.id(), "Customer C Corp", "admin+c@other.example", "matrix");
        msp2Integration = integrations.create(msp2.id(), "aws", "Other payer", Optional.empty(), "matrix").id();

        // integrations with ingested line items: the MSP's consolidated payer (bills linked account 111111111111 to
        // A) and A's own payer, each reading a CUR file from its drop folder
        msp1Integration = ingestedIntegration(owner, msp1, "MSP payer");
        aIntegration = ingestedIntegration(managerInA, a, "A payer");
        msp1Source = Integrations.sourceName(msp1Integration);
        aSource = Integrations.sourceName(aIntegration);
        integrations.assign(msp1.id(), msp1Integration, "111111111111", Optional.of(a.id()),
                BillingPeriod.parse("2024-01"), accounts, "matrix");

        // billing rules only the MSP may see (seed: exclusions and adjustments are not shown to customers)
        hiddenExclusion = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO billing_rule (id, msp_id, key, kind, title, definition, position, created_by) VALUES
                (:exclusion, :msp, 'hidden-exclusion', 'exclusion', 'Hidden exclusion EDP-7731',
                 '{"id": "hidden-exclusion", "title": "Hidden exclusion EDP-7731", "kind": "exclusion",
                   "scope": {"charge_types": ["EdpDiscount"]}}', 1, 'matrix'),
                (gen_random_uuid(), :msp, 'hidden-adjustment', 'adjustment', 'Hidden adjustment CF-7731',
                 '{"id": "hidden-adjustment", "title": "Hidden adjustment CF-7731", "kind": "adjustment",
                   "percentage": 75.0, "scope": {"services": ["AmazonCloudFront"]}}', 2, 'matrix')""")
                .param("exclusion", hiddenExclusion).param("msp", msp1.id()).update();
        hiddenWorkflow = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO workflow (id, msp_id, key, title, basis, rule_keys, position, created_by)
                VALUES (:id, :msp, 'hidden-workflow', 'Hidden workflow', 'effective',
                        '["hidden-exclusion", "hidden-adjustment"]', 1, 'matrix')""")
                .param("id", hiddenWorkflow).param("msp", msp1.id()).update();
        jdbc.sql("""
                INSERT INTO billing_assignment (msp_id, customer_account_id, from_period, workflow_key, created_by)
                VALUES (:msp, :customer, '2024-01', 'hidden-workflow', 'matrix')""")
                .param("msp", msp1.id()).param("customer", a.id()).update();
        // and A's own selection of rules from 2024-06, made as the seed's "Assign a Billing Rule" does
        Response assigned = owner.put("/api/v1/managed_accounts/" + a.id() + "/billing_rules",
                Map.of("rules", List.of("hidden-adjustment"), "from", "2024-06"));
        assertThat(assigned.status()).as(assigned.text()).isEqualTo(200);

        // SSO of A and B with the test's provider; the client secret must never come back
        provider.start();
        for (Account customer : List.of(a, b)) {
            ssoConnections.put(customer.id(), AccountKind.CUSTOMER, ssoSettings(customer), "matrix");
        }
        ownerAtHome = owner;
        // a real bill run of the period, so that A's FOCUS file exists (GET /costs/focus; B has none: 404)
        Response requested = owner.post("/api/v1/bill_runs", Map.of("period", PERIOD));
        assertThat(requested.status()).as(requested.text()).isEqualTo(202);
        String run = requested.body().path("id").asString();
        assertThat(billRuns.await(msp1.id(), UUID.fromString(run), java.time.Duration.ofMinutes(3)).status())
                .isEqualTo(io.rebill.invoicing.RunStatus.SUCCEEDED);
        issuedInA = freshInvoice(true);
        // a draft the run above made (its pinned configuration is what the drill-down bills again)
        billedInA = jdbc.sql("SELECT id FROM invoice WHERE msp_id = :msp AND customer_account_id = :a AND period = :p"
                + " AND run_id = :run").param("msp", msp1.id()).param("a", a.id()).param("p", PERIOD)
                .param("run", UUID.fromString(run)).query(UUID.class).single();
        runOfMsp1 = jdbc.sql("SELECT run_id FROM invoice WHERE id = :id").param("id", issuedInA).query(UUID.class).single();

        addCallers();
    }

    @AfterAll
    void stopProvider() {
        provider.shutdown();
    }

    private SsoConnections.Settings ssoSettings(Account customer) {
        String domain = customer.equals(b) ? "b-sso.example" : "a-sso.example";
        return new SsoConnections.Settings(domain, provider.issuerUrl("matrix").toString(), "matrix-client",
                Optional.of(SSO_SECRET + next()), Role.VIEWER);
    }

    private UUID ingestedIntegration(PortalClient client, Account account, String name) throws Exception {
        Path folder = Files.createDirectories(home().resolve("imports").resolve(account.id().toString()).resolve("cur"));
        TestFiles.curCsv(List.of(aLineItem().account("111111111111").cost("10.10").list("12", "12"),
                aLineItem().account("222222222222").cost("3.3333333333").list("4", "4")), folder.resolve("cur.csv"));
        String id = created(client.post("/api/v1/integrations", Map.of("provider", "aws", "name", name, "folder", "cur")));
        Response ingested = client.post("/api/v1/integrations/" + id + "/ingest", null);
        assertThat(ingested.status()).as(ingested.text()).isEqualTo(200);
        return UUID.fromString(id);
    }

    private static String created(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.body().path("id").asString();
    }

    private void addCallers() {
        Set<String> msp2Things = Set.of(msp2.id().toString(), "Other MSP", "owner@other.example", c.id().toString(),
                "Customer C Corp", msp2Integration.toString(), "Other payer");
        Set<String> aThings = Set.of(a.id().toString(), "Customer A Corp", a.key(), "owner@a.example",
                aIntegration.toString(), aSource);
        Set<String> bThings = Set.of(b.id().toString(), "Customer B Corp", "owner@b.example");
        Set<String> mspStaff = Set.of(OWNER, "iown@msp.example", "editor@msp.example", "viewer@msp.example",
                "holder@msp.example", "MSP Admin");
        // a customer never sees the MSP's billing rules, workflows (A's own selection included) or margins
        Set<String> mspOnlyRules = Set.of("Hidden exclusion EDP-7731", "Hidden adjustment CF-7731", "hidden-exclusion",
                "hidden-adjustment", "hidden-workflow", "Hidden workflow", MSP_ONLY, "account-" + a.key(),
                "selected rules from");
        // nor its costs and margins (another MSP sees the word in its own Billing overview, never MSP 1's figures)
        Set<String> margins = Set.of("margin");
        Set<String> msp1Things = Set.of(msp1.id().toString(), "Demo MSP", msp1Integration.toString(), msp1Source,
                "MSP payer");

        add("anon", PortalClient.anonymous(port), msp1, false, Set.of(SSO_SECRET));
        add("own", signIn(OWNER), msp1, false, msp2Things);
        add("iown", signIn("iown@msp.example"), msp1, false, msp2Things);
        add("edit", signIn("editor@msp.example"), msp1, false, msp2Things, aThings, bThings);
        add("view", signIn("viewer@msp.example"), msp1, false, msp2Things, aThings, bThings);
        add("m.own", signIn(OWNER).header("Rebill-Account", a.id().toString()), a, false, msp2Things, bThings);
        add("m.iow", signIn("iown@msp.example").header("Rebill-Account", a.id().toString()), a, false, msp2Things,
                bThings);
        add("m.edt", signIn("editor@msp.example").header("Rebill-Account", a.id().toString()), a, false, msp2Things,
                bThings);
        add("m.vw", signIn("viewer@msp.example").header("Rebill-Account", a.id().toString()), a, false, msp2Things,
                bThings);
        add("s.own", signIn(OWNER), a, true, msp2Things, bThings);
        add("a.own", PortalClient.signIn(port, "owner@a.example", CUSTOMER_PASSWORD), a, false, msp2Things, bThings,
                mspStaff, mspOnlyRules, margins);
        add("a.edt", PortalClient.signIn(port, "editor@a.example", CUSTOMER_PASSWORD), a, false, msp2Things, bThings,
                mspStaff, mspOnlyRules, margins);
        add("a.vw", PortalClient.signIn(port, "viewer@a.example", CUSTOMER_PASSWORD), a, false, msp2Things, bThings,
                mspStaff, mspOnlyRules, margins);
        add("b.own", PortalClient.signIn(port, "owner@b.example", CUSTOMER_PASSWORD), a, false, msp2Things, aThings,
                mspStaff, mspOnlyRules, msp1Things, margins);
        add("x.own", PortalClient.signIn(port, "owner@other.example", PASSWORD), msp1, false, msp1Things, aThings,
                bThings, mspStaff, mspOnlyRules);
        UUID ownerId = users.findByEmail(OWNER).orElseThrow().id();
        add("t.rd", PortalClient.withToken(port, tokens.create(ownerId, msp1.id(), "matrix read", TokenScope.READ)
                .secret()), msp1, false, msp2Things);
        add("t.wr", PortalClient.withToken(port, tokens.create(ownerId, msp1.id(), "matrix write", TokenScope.WRITE)
                .secret()), msp1, false, msp2Things);
    }

    private PortalClient signIn(String email) {
        return PortalClient.signIn(port, email, PASSWORD);
    }

    @SafeVarargs
    private void add(String column, PortalClient client, Account target, boolean enterFirst, Set<String>... hidden) {
        Set<String> all = new TreeSet<>(Set.of(SSO_SECRET));
        Arrays.stream(hidden).forEach(all::addAll);
        callers.put(column, new Caller(column, client, target, enterFirst, all));
    }

    // ---- the request of each row, for a caller --------------------------------------------------------------------

    private boolean atMsp(Caller caller) {
        return caller.target().id().equals(msp1.id());
    }

    private int next() {
        return serial.incrementAndGet();
    }

    private UUID freshUser(Account account) {
        return users.addMember(account.id(), account.kind(), "fresh-" + next() + "@users.example", "Fresh user",
                Optional.empty(), Role.VIEWER, "matrix").userId();
    }

    private Account freshManaged() {
        int n = next();
        return accounts.createManaged(msp1.id(), "Fresh customer " + n, "admin+fresh" + n + "@msp.example", "matrix");
    }

    private UUID freshIntegration(Account account) {
        return integrations.create(account.id(), "aws", "Fresh payer " + next(), Optional.empty(), "matrix").id();
    }

    /** An integration of the account that takes uploaded files. */
    private UUID freshUploads(Account account) {
        return integrationSetup.create(account.id(), new io.rebill.tenancy.IntegrationSetup.NewIntegration("aws",
                "Uploads " + next(), Optional.of("uploads"), Optional.empty(), Optional.empty(), Optional.empty()),
                "matrix").id();
    }

    /** A one-line CUR file, as the body of an upload. */
    private String tinyCurFile() {
        try {
            Path file = java.nio.file.Files.createTempFile("matrix-upload", ".csv");
            io.rebill.web.TinyCur.write(file, List.of(io.rebill.web.TinyCur.line("u" + next(), "333333333333", "Usage",
                    "AmazonEC2", "1.25", "1.50")));
            String body = java.nio.file.Files.readString(file);
            java.nio.file.Files.delete(file);
            return body;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private UUID freshToken(Account account) {
        UUID holder = account.id().equals(msp1.id()) ? msp1Holder : aHolder;
        return tokens.create(holder, account.id(), "fresh token", TokenScope.READ).token().id();
    }

    private String freshAssignment() {
        String sub = String.format("9%011d", next());
        integrations.assign(msp1.id(), msp1Integration, sub, Optional.of(a.id()), BillingPeriod.parse("2024-05"),
                accounts, "matrix");
        return sub;
    }

    /** An uplift of the MSP that no workflow lists (so it can be deleted). */
    private UUID freshRule() {
        UUID id = UUID.randomUUID();
        String key = MSP_ONLY + "-rule-" + next();
        jdbc.sql("""
                INSERT INTO billing_rule (id, msp_id, key, kind, title, definition, position, created_by)
                VALUES (:id, :msp, :key, 'uplift', 'Fresh uplift', jsonb_build_object('id', :key, 'title',
                        'Fresh uplift', 'kind', 'uplift', 'percent', 3), 100, 'matrix')""")
                .param("id", id).param("msp", msp1.id()).param("key", key).update();
        return id;
    }

    /** A workflow of the MSP assigned to nobody (so it can be deleted). */
    private UUID freshWorkflow() {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO workflow (id, msp_id, key, title, basis, rule_keys, position, created_by)
                VALUES (:id, :msp, :key, 'Fresh workflow', 'effective', '[]', 100, 'matrix')""")
                .param("id", id).param("msp", msp1.id()).param("key", MSP_ONLY + "-wf-" + next()).update();
        return id;
    }

    /**
     * A draft invoice of A on a succeeded run of MSP 1 in a fresh period (issued, with a number, when asked), as a
     * bill run leaves it.
     */
    private UUID freshInvoice(boolean issued) {
        String period = freshPeriod();
        UUID run = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO bill_run (id, msp_id, period, status, trigger, requested_by, finished_at)
                VALUES (:id, :msp, :period, 'succeeded', 'manual', 'matrix', now())""")
                .param("id", run).param("msp", msp1.id()).param("period", period).update();
        UUID invoice = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO invoice (id, msp_id, customer_account_id, period, status, run_id, currency)
                VALUES (:id, :msp, :customer, :period, 'draft', :run, 'USD')""")
                .param("id", invoice).param("msp", msp1.id()).param("customer", a.id()).param("period", period)
                .param("run", run).update();
        jdbc.sql("""
                INSERT INTO invoice_line (invoice_id, position, kind, description, exact, amount)
                VALUES (:id, 1, 'service', 'AmazonEC2', 10.101, 10.10)""").param("id", invoice).update();
        if (issued) {
            jdbc.sql("""
                    UPDATE invoice SET status = 'issued', number = :number, issue_date = current_date,
                           due_date = current_date + 30, issued_at = now(), issued_by = 'matrix'
                    WHERE id = :id """).param("number", "MATRIX-" + next()).param("id", invoice).update();
        }
        return invoice;
    }

    /** A budget, a notification channel and a delivery of one account (the MSP's or A), made once. */
    record BudgetThings(UUID budget, UUID channel, UUID delivery) {
    }

    private final Map<UUID, BudgetThings> budgetThings = new java.util.concurrent.ConcurrentHashMap<>();

    private BudgetThings budgetsOf(Account account) {
        return budgetThings.computeIfAbsent(account.id(), id -> {
            UUID channel = freshChannel(account);
            UUID delivery = UUID.randomUUID();
            jdbc.sql("""
                    INSERT INTO notification_delivery (id, account_id, channel_id, subject, body, status, attempts,
                                                       last_error)
                    VALUES (:id, :account, :channel, 'Budget alert', 'text', 'failed', 3, 'the webhook answered HTTP 500')
                    """).param("id", delivery).param("account", account.id()).param("channel", channel).update();
            return new BudgetThings(freshBudget(account), channel, delivery);
        });
    }

    private UUID freshBudget(Account account) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO budget (id, account_id, msp_id, name, amount, currency, measure, created_by)
                VALUES (:id, :account, :msp, :name, 100, 'USD', 'charge', 'matrix')""")
                .param("id", id).param("account", account.id()).param("msp", msp1.id())
                .param("name", "Fresh budget " + next()).update();
        return id;
    }

    private UUID freshChannel(Account account) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO notification_channel (id, account_id, name, kind, target, budget_alerts, anomaly_alerts,
                                                  created_by)
                VALUES (:id, :account, :name, 'email', 'alerts@channels.example', true, true, 'matrix')""")
                .param("id", id).param("account", account.id()).param("name", "Fresh channel " + next()).update();
        return id;
    }

    /** A rate of MSP 1 from EUR in a fresh period (to be removed); returns the period. */
    private String freshRate() {
        String period = freshPeriod();
        jdbc.sql("""
                INSERT INTO exchange_rate (msp_id, from_currency, period, rate, created_by)
                VALUES (:msp, 'EUR', :period, 1.0825, 'matrix')""").param("msp", msp1.id()).param("period", period)
                .update();
        return period;
    }

    /** A saved report of the account (not its default), by service, as a customer account may have it. */
    private UUID freshReport(Account account) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO cost_report (id, account_id, title, definition, created_by)
                VALUES (:id, :account, :title, CAST(:definition AS jsonb), 'matrix')""")
                .param("id", id).param("account", account.id()).param("title", "Fresh report " + next())
                .param("definition", "{\"range\": \"last_3_months\", \"group_by\": [\"service\"]}").update();
        return id;
    }

    private final Map<UUID, UUID> reports = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<UUID, UUID> virtualTags = new java.util.concurrent.ConcurrentHashMap<>();

    /** One report of the caller's target account that is only read. */
    private UUID reportOf(Caller caller) {
        return reports.computeIfAbsent(caller.target().id(), a -> freshReport(caller.target()));
    }

    /** A virtual tag of the account, inserted as saved (its condition compiles). */
    private UUID freshTag(Account account) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO virtual_tag (id, account_id, key, rules, created_by)
                VALUES (:id, :account, :key, CAST(:rules AS jsonb), 'matrix')""")
                .param("id", id).param("account", account.id()).param("key", "Fresh tag " + next())
                .param("rules", "[{\"condition\": \"line.service_name == 'AmazonS3'\", \"value\": \"Storage\"}]")
                .update();
        return id;
    }

    private UUID tagOf(Caller caller) {
        return virtualTags.computeIfAbsent(caller.target().id(), a -> freshTag(caller.target()));
    }

    /** A billing period no assignment starts in yet. */
    private String freshPeriod() {
        int n = next();
        return String.format("%d-%02d", 2100 + n / 12, n % 12 + 1);
    }

    /** A's workflow assignment from a fresh period (to be removed). */
    private String freshWorkflowAssignment() {
        String from = freshPeriod();
        jdbc.sql("""
                INSERT INTO billing_assignment (msp_id, customer_account_id, from_period, workflow_key, created_by)
                VALUES (:msp, :customer, :from, 'hidden-workflow', 'matrix')""")
                .param("msp", msp1.id()).param("customer", a.id()).param("from", from).update();
        return from;
    }

    /** Keys of new rules and workflows: the other MSP makes its own, which it may see. */
    private static String keyOf(Caller caller) {
        return caller.column().equals("x.own") ? "other" : MSP_ONLY;
    }

    /** The customer account whose SSO the caller manages: its own (B for b.own), else A. */
    private Account ssoAccount(Caller caller) {
        return caller.column().equals("b.own") ? b : a;
    }

    /** The caller's own msp.yaml when it may export one (imported again it changes nothing), else the first MSP's. */
    private String billingConfigOf(Caller caller) {
        Response own = caller.client().get("/api/v1/billing_config");
        Response yaml = own.status() == 200 ? own : ownerAtHome.get("/api/v1/billing_config");
        assertThat(yaml.status()).as(yaml.text()).isEqualTo(200);
        return yaml.text();
    }

    /** The managed account a row is about: a fresh one of the MSP (it may be changed or deleted), or A itself. */
    private Account managedTarget(Caller caller) {
        return atMsp(caller) ? freshManaged() : a;
    }

    private String emailDomain(Caller caller) {
        return caller.column().equals("x.own") ? "other.example" : "msp.example";
    }

    private UUID integrationOf(Caller caller) {
        return atMsp(caller) ? msp1Integration : aIntegration;
    }

    private String sourceOf(Caller caller) {
        return atMsp(caller) ? msp1Source : aSource;
    }

    private Map<String, Function<Caller, Call>> requests() {
        Map<String, Function<Caller, Call>> r = new LinkedHashMap<>();
        r.put("GET /openapi.json", x -> get("/openapi.json"));
        r.put("GET /costs", x -> get("/costs?period=" + PERIOD + "&group_by=day,service"));
        r.put("GET /costs/focus", x -> get("/costs/focus?period=" + PERIOD));
        r.put("GET /me", x -> get("/me"));
        // saved cost reports and virtual tags (issue 12): each caller aims at one of its target account's, fresh when
        // it changes or deletes it
        r.put("GET /cost_reports", x -> get("/cost_reports"));
        r.put("POST /cost_reports", x -> new Call("POST", "/cost_reports", Map.of("title", "Report " + next(),
                "group_by", List.of("service"))));
        r.put("GET /cost_reports/{id}", x -> get("/cost_reports/" + reportOf(x)));
        r.put("PUT /cost_reports/{id}", x -> new Call("PUT", "/cost_reports/" + freshReport(x.target()),
                Map.of("title", "Renamed report " + next(), "granularity", "day")));
        r.put("DELETE /cost_reports/{id}", x -> new Call("DELETE", "/cost_reports/" + freshReport(x.target()), null));
        r.put("GET /cost_reports/{id}/data", x -> get("/cost_reports/" + reportOf(x) + "/data"));
        r.put("GET /cost_reports/{id}/csv", x -> get("/cost_reports/" + reportOf(x) + "/csv"));
        r.put("GET /virtual_tags", x -> get("/virtual_tags"));
        r.put("POST /virtual_tags", x -> new Call("POST", "/virtual_tags", Map.of("key", "Tag " + next(),
                "rules", List.of(Map.of("condition", "line.service_name == 'AmazonEC2'", "value", "Compute")))));
        r.put("GET /virtual_tags/{id}", x -> get("/virtual_tags/" + tagOf(x)));
        r.put("PUT /virtual_tags/{id}", x -> new Call("PUT", "/virtual_tags/" + freshTag(x.target()), Map.of("key",
                "Renamed tag " + next(), "rules", List.of(Map.of("condition", "line.region_id == 'eu-west-1'",
                        "value", "Europe")))));
        r.put("DELETE /virtual_tags/{id}", x -> new Call("DELETE", "/virtual_tags/" + freshTag(x.target()), null));
        r.put("POST /session/return", x -> new Call("POST", "/session/return", null));
        r.put("GET /managed_accounts", x -> get("/managed_accounts"));
        r.put("POST /managed_accounts", x -> {
            int n = next();
            return new Call("POST", "/managed_accounts", Map.of("name", "New customer " + n,
                    "contact_email", "admin+new" + n + "@" + emailDomain(x)));
        });
        r.put("GET /managed_accounts/{id}", x -> get("/managed_accounts/" + a.id()));
        r.put("PATCH /managed_accounts/{id}", x -> new Call("PATCH", "/managed_accounts/" + managedTarget(x).id(),
                Map.of("name", "Renamed " + next())));
        r.put("DELETE /managed_accounts/{id}", x -> {
            Account target = managedTarget(x);
            return new Call("DELETE", "/managed_accounts/" + target.id(), Map.of("confirm", target.name()));
        });
        r.put("POST /managed_accounts/{id}/unlink", x -> new Call("POST", "/managed_accounts/" + managedTarget(x).id()
                + "/unlink", null));
        r.put("POST /managed_accounts/{id}/enter", x -> new Call("POST", "/managed_accounts/" + a.id() + "/enter", null));
        r.put("GET /managed_accounts/{customer}/integrations", x -> get("/managed_accounts/" + a.id() + "/integrations"));
        r.put("GET /managed_accounts/{id}/provider_accounts", x -> get("/managed_accounts/" + a.id()
                + "/provider_accounts?q=1111"));
        r.put("POST /managed_accounts/{id}/provider_accounts/link", x -> new Call("POST", "/managed_accounts/" + a.id()
                + "/provider_accounts/link", Map.of("integration_id", msp1Integration.toString(),
                "sub_account_ids", List.of(String.format("7%011d", next())), "from", "2024-06")));
        r.put("POST /managed_accounts/{id}/provider_accounts/unlink", x -> new Call("POST", "/managed_accounts/"
                + a.id() + "/provider_accounts/unlink", Map.of("integration_id", msp1Integration.toString(),
                "sub_account_ids", List.of(atMsp(x) ? freshAssignment() : "111111111111"), "from", "2024-05")));
        r.put("GET /users", x -> get("/users"));
        r.put("POST /users", x -> new Call("POST", "/users", Map.of("email", "new-" + next() + "@users.example",
                "role", "viewer")));
        r.put("GET /users/{id}", x -> get("/users/" + (atMsp(x) ? msp1Holder : aHolder)));
        r.put("PATCH /users/{id}", x -> new Call("PATCH", "/users/" + freshUser(x.target()), Map.of("name", "Renamed")));
        r.put("DELETE /users/{id}", x -> new Call("DELETE", "/users/" + freshUser(x.target()), null));
        r.put("GET /api_tokens", x -> get("/api_tokens"));
        r.put("POST /api_tokens", x -> new Call("POST", "/api_tokens", Map.of("name", "new token", "scope", "read")));
        r.put("DELETE /api_tokens/{id}", x -> new Call("DELETE", "/api_tokens/" + freshToken(x.target()), null));
        r.put("GET /integrations", x -> get("/integrations"));
        r.put("POST /integrations", x -> new Call("POST", "/integrations", Map.of("provider", "aws",
                "name", "New payer " + next())));
        r.put("GET /integrations/{id}", x -> get("/integrations/" + integrationOf(x)));
        r.put("DELETE /integrations/{id}", x -> new Call("DELETE", "/integrations/" + freshIntegration(x.target()), null));
        r.put("PATCH /integrations/{id}", x -> new Call("PATCH", "/integrations/" + freshIntegration(x.target()),
                Map.of("sync_minutes", 60)));
        r.put("POST /integrations/{id}/uploads", x -> new Call("POST", "/integrations/" + freshUploads(x.target())
                + "/uploads?file_name=cur.csv", tinyCurFile()));
        r.put("POST /integrations/{id}/ingest", x -> new Call("POST", "/integrations/" + integrationOf(x) + "/ingest",
                null));
        r.put("GET /integrations/{id}/linked_accounts", x -> get("/integrations/" + integrationOf(x) + "/linked_accounts"));
        r.put("PUT /integrations/{id}/linked_accounts/{subAccountId}", x -> new Call("PUT", "/integrations/"
                + integrationOf(x) + "/linked_accounts/" + String.format("8%011d", next()),
                Map.of("customer_account_id", a.id().toString(), "from", "2024-06")));
        r.put("DELETE /integrations/{id}/linked_accounts/{subAccountId}/{from}", x -> new Call("DELETE",
                "/integrations/" + integrationOf(x) + "/linked_accounts/" + (atMsp(x) ? freshAssignment()
                        : "111111111111") + "/2024-05", null));
        r.put("GET /billing_rules", x -> get("/billing_rules"));
        r.put("POST /billing_rules", x -> new Call("POST", "/billing_rules", Map.of("key", keyOf(x) + "-new-" + next(),
                "title", "New uplift", "kind", "uplift", "percent", "3.5")));
        r.put("POST /billing_rules/preview", x -> new Call("POST", "/billing_rules/preview?period=" + PERIOD,
                Map.of("account_rules", List.of(Map.of("customer", a.id().toString(), "rules",
                        List.of("hidden-exclusion"))))));
        r.put("GET /billing_rules/{id}", x -> get("/billing_rules/" + hiddenExclusion));
        r.put("PUT /billing_rules/{id}", x -> new Call("PUT", "/billing_rules/" + freshRule(), Map.of("title",
                "Replaced uplift", "kind", "uplift", "percent", "4")));
        r.put("PATCH /billing_rules/{id}", x -> new Call("PATCH", "/billing_rules/" + freshRule(),
                Map.of("percent", "5.5")));
        r.put("DELETE /billing_rules/{id}", x -> new Call("DELETE", "/billing_rules/" + freshRule(), null));
        r.put("GET /workflows", x -> get("/workflows"));
        r.put("POST /workflows", x -> new Call("POST", "/workflows", Map.of("key", keyOf(x) + "-new-wf-" + next(),
                "title", "New workflow", "rules", x.column().equals("x.own") ? List.of() : List.of("hidden-adjustment"))));
        r.put("GET /workflows/{id}", x -> get("/workflows/" + hiddenWorkflow));
        r.put("PUT /workflows/{id}", x -> new Call("PUT", "/workflows/" + freshWorkflow(), Map.of("title",
                "Replaced workflow", "basis", "billed", "rules", List.of("hidden-exclusion"))));
        r.put("PATCH /workflows/{id}", x -> new Call("PATCH", "/workflows/" + freshWorkflow(),
                Map.of("rules", List.of("hidden-adjustment"))));
        r.put("DELETE /workflows/{id}", x -> new Call("DELETE", "/workflows/" + freshWorkflow(), null));
        r.put("GET /managed_accounts/{account}/billing_rules", x -> get("/managed_accounts/" + a.id()
                + "/billing_rules?period=" + PERIOD));
        r.put("PUT /managed_accounts/{account}/billing_rules", x -> new Call("PUT", "/managed_accounts/" + a.id()
                + "/billing_rules", Map.of("rules", List.of("hidden-exclusion"), "from", freshPeriod())));
        r.put("GET /managed_accounts/{account}/workflow_assignments", x -> get("/managed_accounts/" + a.id()
                + "/workflow_assignments"));
        r.put("POST /managed_accounts/{account}/workflow_assignments", x -> new Call("POST", "/managed_accounts/"
                + a.id() + "/workflow_assignments", Map.of("workflow", "hidden-workflow", "from", freshPeriod())));
        r.put("DELETE /managed_accounts/{account}/workflow_assignments/{from}", x -> new Call("DELETE",
                "/managed_accounts/" + a.id() + "/workflow_assignments/" + freshWorkflowAssignment(), null));
        r.put("GET /billing_config", x -> get("/billing_config"));
        r.put("PUT /billing_config", x -> new Call("PUT", "/billing_config", Map.of("yaml", billingConfigOf(x))));
        r.put("GET /exchange_rates", x -> get("/exchange_rates"));
        r.put("PUT /exchange_rates/{from}/{period}", x -> new Call("PUT", "/exchange_rates/EUR/" + freshPeriod(),
                Map.of("rate", "1.0825")));
        r.put("DELETE /exchange_rates/{from}/{period}", x -> new Call("DELETE", "/exchange_rates/EUR/"
                + freshRate(), null));
        r.put("GET /sso", x -> get("/sso"));
        r.put("PUT /sso", x -> {
            SsoConnections.Settings s = ssoSettings(ssoAccount(x));
            return new Call("PUT", "/sso", Map.of("email_domain", s.emailDomain(), "issuer", s.issuer(), "client_id",
                    "matrix-client-" + next(), "client_secret", s.clientSecret().orElseThrow(), "default_role", "editor"));
        });
        r.put("DELETE /sso", x -> {
            Account customer = ssoAccount(x);
            if (ssoConnections.find(customer.id()).isEmpty()) {
                ssoConnections.put(customer.id(), AccountKind.CUSTOMER, ssoSettings(customer), "matrix");
            }
            return new Call("DELETE", "/sso", null);
        });
        r.put("GET /managed_integrations", x -> get("/managed_integrations"));
        r.put("GET /audit_logs", x -> get("/audit_logs?limit=200"));
        r.put("GET /sources", x -> get("/sources"));
        r.put("GET /sources/{name}", x -> get("/sources/" + sourceOf(x)));
        r.put("GET /sources/{name}/periods/{period}/costs", x -> get("/sources/" + sourceOf(x) + "/periods/" + PERIOD
                + "/costs?group_by=sub_account_id"));
        r.put("GET /bill_runs", x -> get("/bill_runs"));
        // a period without data: the run fails at once in the background and drafts nothing
        r.put("POST /bill_runs", x -> new Call("POST", "/bill_runs", Map.of("period", freshPeriod())));
        r.put("GET /bill_runs/{id}", x -> get("/bill_runs/" + runOfMsp1));
        r.put("GET /billing/{period}", x -> get("/billing/" + PERIOD));
        r.put("POST /billing/{period}/close", x -> new Call("POST", "/billing/" + freshPeriod() + "/close", null));
        r.put("GET /invoices", x -> get("/invoices"));
        r.put("GET /invoices/{id}", x -> get("/invoices/" + issuedInA));
        r.put("POST /invoices/{id}/issue", x -> new Call("POST", "/invoices/" + freshInvoice(false) + "/issue", null));
        r.put("POST /invoices/{id}/void", x -> new Call("POST", "/invoices/" + freshInvoice(true) + "/void",
                Map.of("reason", "matrix")));
        r.put("POST /invoices/{id}/send", x -> new Call("POST", "/invoices/" + issuedInA + "/send",
                Map.of("to", "ap@a.example")));
        r.put("GET /invoices/{id}/pdf", x -> get("/invoices/" + issuedInA + "/pdf"));
        r.put("GET /invoices/{id}/csv", x -> get("/invoices/" + issuedInA + "/csv"));
        r.put("GET /invoices/{id}/rule_effects", x -> get("/invoices/" + billedInA + "/rule_effects?top=5"));
        // budgets and notifications (issue 12 item 5): each caller's account's own, or the target's fixed ones
        r.put("GET /budgets", x -> get("/budgets"));
        r.put("POST /budgets", x -> new Call("POST", "/budgets", Map.of("name", "Budget " + next(), "amount", "100",
                "alerts", List.of(Map.of("basis", "actual", "percent", "80")))));
        r.put("GET /budgets/{id}", x -> get("/budgets/" + budgetsOf(x.target()).budget()));
        r.put("PUT /budgets/{id}", x -> new Call("PUT", "/budgets/" + budgetsOf(x.target()).budget(), Map.of("name",
                "Budget " + next(), "amount", "120", "alerts", List.of(Map.of("basis", "actual", "percent", "90")))));
        r.put("DELETE /budgets/{id}", x -> new Call("DELETE", "/budgets/" + freshBudget(x.target()), null));
        r.put("GET /notification_channels", x -> get("/notification_channels"));
        r.put("POST /notification_channels", x -> new Call("POST", "/notification_channels", Map.of("name",
                "Channel " + next(), "kind", "email", "target", "alerts@channels.example")));
        r.put("GET /notification_channels/{id}", x -> get("/notification_channels/" + budgetsOf(x.target()).channel()));
        r.put("PUT /notification_channels/{id}", x -> new Call("PUT", "/notification_channels/"
                + budgetsOf(x.target()).channel(), Map.of("name", "Channel " + next(), "budget_alerts", false)));
        r.put("DELETE /notification_channels/{id}", x -> new Call("DELETE", "/notification_channels/"
                + freshChannel(x.target()), null));
        r.put("GET /notifications", x -> get("/notifications"));
        r.put("GET /notifications/{id}", x -> get("/notifications/" + budgetsOf(x.target()).delivery()));
        r.put("GET /anomalies", x -> get("/anomalies"));
        r.put("GET /billing_details/{account}", x -> get("/billing_details/" + a.id()));
        r.put("PUT /billing_details/{account}", x -> new Call("PUT", "/billing_details/" + a.id(),
                Map.of("legal_name", "Customer A Corporation", "payment_terms_days", 30)));
        return r;
    }

    private static Call get(String path) {
        return new Call("GET", path, null);
    }

    // ---- the test -------------------------------------------------------------------------------------------------

    /** The expected table: route ("GET /me") -> column -> cell. */
    private static Map<String, Map<String, String>> expected() {
        List<String> lines = EXPECTED.lines().filter(l -> !l.isBlank()).toList();
        String[] header = lines.getFirst().trim().split("\\s+");
        List<String> columns = Arrays.asList(header).subList(1, header.length);
        Map<String, Map<String, String>> table = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            assertThat(cells).as("row %s has a cell per column", line).hasSize(2 + columns.size());
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i), cells[i + 2]);
            }
            table.put(cells[0] + " " + cells[1], row);
        }
        return table;
    }

    @Test
    void everyRouteHasARowAndARequest() {
        Set<String> app = new TreeSet<>();
        ApiRoutes.of(context).forEach(route -> app.add(route.replaceFirst(" /api/v1", " ")));
        assertThat(expected().keySet())
                .as("the routes of the application; a new route needs a row in EXPECTED (who may call it) and a"
                        + " request in requests()")
                .containsExactlyInAnyOrderElementsOf(app);
        assertThat(requests().keySet()).containsExactlyInAnyOrderElementsOf(app);
        assertThat(expected().values().iterator().next().keySet()).containsExactlyElementsOf(callers.keySet());
    }

    @Test
    void everyCallerGetsExactlyWhatTheSeedsPermissionTableAndTheTenantRulesAllow() {
        Map<String, Map<String, String>> expected = expected();
        Map<String, Function<Caller, Call>> requests = requests();
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> actual = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> row : expected.entrySet()) {
            String route = row.getKey();
            String method = route.substring(0, route.indexOf(' '));
            String template = "/api/v1" + route.substring(route.indexOf(' ') + 1);
            Map<String, String> actualRow = new LinkedHashMap<>();
            for (Caller caller : callers.values()) {
                if (caller.enterFirst()) {
                    caller.client().post("/api/v1/managed_accounts/" + a.id() + "/enter", null);
                }
                Call call = requests.get(route).apply(caller);
                var before = fingerprint.take();
                Response response = caller.client().call(call.method(), "/api/v1" + call.path(), call.body());
                var changed = DatabaseFingerprint.changed(before, fingerprint.take());
                String cell = response.status() / 100 == 2 ? "2xx" : Integer.toString(response.status());
                actualRow.put(caller.column(), cell);
                String what = route + " as " + caller.column() + " (" + call.method() + " " + call.path() + ")";
                String want = row.getValue().get(caller.column());
                if (!cell.equals(want)) {
                    problems.add(what + ": expected " + want + ", got " + response.status() + " " + response.text());
                }
                if (!changed.isEmpty() && (!cell.equals("2xx") || method.equals("GET") || DRY_RUNS.contains(route))) {
                    problems.add(what + ": answered " + response.status() + " but changed " + changed);
                }
                contract.check(method, template, response.status(), response.body())
                        .ifPresent(p -> problems.add(what + ": " + p));
                if (cell.equals("2xx") && !route.equals("GET /openapi.json")) {
                    caller.mustNotSee().stream().filter(response.text()::contains)
                            .forEach(s -> problems.add(what + ": the answer shows '" + s + "'"));
                }
                if (route.equals("POST /managed_accounts/{id}/enter") && cell.equals("2xx")) {
                    caller.client().post("/api/v1/session/return", null);
                }
            }
            actual.put(route, actualRow);
        }
        assertThat(problems).as("actual table:%n%s", render(actual)).isEmpty();
    }

    /*
     * What GET /api/v1/me says each caller may do where it acts. The first seven rows, in the columns own to view, are
     * the seed's "Role-Based Access Control" table for the management account, check mark for check mark; the rest
     * apply inside a customer account. Manager Users get what "View Managed Accounts" and "Create resources in
     * Managed Accounts" grant; a read-only token keeps only the view rows.
     */
    private static final String PERMISSIONS = """
            permission                        own   iown  edit  view  m.own m.iow s.own a.own a.edt a.vw  b.own x.own t.rd  t.wr
            VIEW_MANAGEMENT_ACCOUNT           x     x     x     x     .     .     .     .     .     .     .     x     x     x
            CREATE_MANAGEMENT_RESOURCES       x     x     x     .     .     .     .     .     .     .     .     x     .     x
            MANAGE_MANAGED_ACCOUNTS           x     x     .     .     .     .     .     .     .     .     .     x     .     x
            MANAGE_PROVIDER_INTEGRATIONS      x     x     .     .     .     .     .     .     .     .     .     x     .     x
            VIEW_MANAGED_ACCOUNTS             x     x     .     .     .     .     .     .     .     .     .     x     x     x
            CREATE_MANAGED_ACCOUNT_RESOURCES  x     x     .     .     .     .     .     .     .     .     .     x     .     x
            MANAGE_MANAGEMENT_USERS           x     .     .     .     .     .     .     .     .     .     .     x     .     x
            VIEW_ACCOUNT                      .     .     .     .     x     x     x     x     x     x     x     .     .     .
            CREATE_ACCOUNT_RESOURCES          .     .     .     .     x     x     x     x     x     .     x     .     .     .
            MANAGE_ACCOUNT_INTEGRATIONS       .     .     .     .     x     x     x     x     .     .     x     .     .     .
            MANAGE_ACCOUNT_USERS              .     .     .     .     x     x     x     x     .     .     x     .     .     .
            """;

    @Test
    void everyCallersPermissionsAreTheSeedsTable() {
        List<String> lines = PERMISSIONS.lines().filter(l -> !l.isBlank()).toList();
        String[] columns = lines.getFirst().trim().split("\\s+");
        List<String> problems = new ArrayList<>();
        for (int col = 1; col < columns.length; col++) {
            Caller caller = callers.get(columns[col]);
            if (caller.enterFirst()) {
                caller.client().post("/api/v1/managed_accounts/" + a.id() + "/enter", null);
            }
            Set<String> expected = new TreeSet<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.trim().split("\\s+");
                if (cells[col].equals("x")) {
                    expected.add(cells[0]);
                }
            }
            Response me = caller.client().get("/api/v1/me");
            Set<String> actual = new TreeSet<>();
            me.body().path("permissions").forEach(p -> actual.add(p.asString()));
            if (!actual.equals(expected)) {
                problems.add(caller.column() + ": expected " + expected + ", got " + actual);
            }
        }
        assertThat(problems).isEmpty();
    }

    private static final Pattern UUID_SEGMENT = Pattern.compile(
            "(?<=/)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=/|\\?|$)");

    private static final Pattern PERIOD_SEGMENT = Pattern.compile("(?<=/)\\d{4}-\\d{2}(?=/|\\?|$)");

    /**
     * Issue 14 item 10, docs/api.md: whether the caller may call an operation is decided before whether the id
     * exists (a 403 stays a 403 for an id nobody has, so a refused caller learns nothing about ids), an unknown id is
     * a 404 for those who may, and a path value of the wrong form (an id that is not a UUID, a period that is not
     * YYYY-MM) is a 400 for them. Each row of the matrix is called again with its ids replaced by a random UUID and
     * by "not-a-uuid", and its periods by "2024-13".
     */
    @Test
    void unknownIdsAnswerLikeTheMatrixAndMalformedPathValuesAnswer400() {
        Map<String, Map<String, String>> expected = expected();
        Map<String, Function<Caller, Call>> requests = requests();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> row : expected.entrySet()) {
            String route = row.getKey();
            for (Caller caller : callers.values()) {
                if (caller.enterFirst()) {
                    caller.client().post("/api/v1/managed_accounts/" + a.id() + "/enter", null);
                }
                Call call = requests.get(route).apply(caller);
                String cell = row.getValue().get(caller.column());
                // a wrong form is a 400 for who may call; for who may not, 400 or the refusal (the form may be
                // checked first); for an id the caller cannot see (404 in the matrix), 400 or 404; never more
                Set<String> malformed = Set.copyOf(List.of("400", cell.equals("2xx") ? "400" : cell));
                Set<String> unknown = Set.of(cell.equals("2xx") ? "404" : cell);
                String path = call.path().contains("?") ? call.path().substring(0, call.path().indexOf('?'))
                        : call.path();
                String query = call.path().substring(path.length());
                Map<String, Set<String>> variants = new LinkedHashMap<>();
                if (UUID_SEGMENT.matcher(path).find()) {
                    variants.put(UUID_SEGMENT.matcher(path).replaceAll(UUID.randomUUID().toString()), unknown);
                    variants.put(UUID_SEGMENT.matcher(path).replaceAll("not-a-uuid"), malformed);
                }
                if (PERIOD_SEGMENT.matcher(path).find()) {
                    variants.put(PERIOD_SEGMENT.matcher(path).replaceAll("2024-13"), malformed);
                }
                for (Map.Entry<String, Set<String>> variant : variants.entrySet()) {
                    var before = fingerprint.take();
                    Response response = caller.client().call(call.method(), "/api/v1" + variant.getKey() + query,
                            call.body());
                    var changed = DatabaseFingerprint.changed(before, fingerprint.take());
                    String got = response.status() / 100 == 2 ? "2xx" : Integer.toString(response.status());
                    String what = route + " as " + caller.column() + " (" + call.method() + " " + variant.getKey()
                            + ")";
                    if (!variant.getValue().contains(got)) {
                        problems.add(what + ": expected " + variant.getValue() + ", got " + response.status() + " "
                                + response.text());
                    }
                    if (!changed.isEmpty()) {
                        problems.add(what + ": answered " + response.status() + " but changed " + changed);
                    }
                }
            }
        }
        assertThat(problems).hasSize(0);
    }

    /**
     * Issue 14 item 6: a read token only reads. Revoking one's own token needs no permission, so a read token once
     * revoked its own user's write token; it must not, nor change anything else its user could.
     */
    @Test
    void aReadTokenCannotRevokeItsUsersWriteTokenNorChangeAnything() {
        UUID holder = users.addMember(msp1.id(), AccountKind.MSP, "two-tokens-" + next() + "@msp.example",
                "Two Tokens", Optional.empty(), Role.OWNER, "matrix").userId();
        PortalClient read = PortalClient.withToken(port, tokens.create(holder, msp1.id(), "read", TokenScope.READ)
                .secret());
        var write = tokens.create(holder, msp1.id(), "write", TokenScope.WRITE);
        var before = fingerprint.take();

        Response revoke = read.delete("/api/v1/api_tokens/" + write.token().id(), null);
        Response rename = read.call("PATCH", "/api/v1/users/" + holder, Map.of("name", "Renamed by a read token"));
        Response enter = read.post("/api/v1/managed_accounts/" + a.id() + "/enter", null);

        assertThat(List.of(revoke.status(), rename.status(), enter.status())).containsExactly(403, 403, 403);
        assertThat(revoke.code()).isEqualTo("FORBIDDEN");
        assertThat(revoke.detail()).contains("read-only API token");
        assertThat(DatabaseFingerprint.changed(before, fingerprint.take())).isEmpty();
        Response stillWorks = PortalClient.withToken(port, write.secret()).get("/api/v1/me");
        assertThat(stillWorks.status()).as("the write token was not revoked").isEqualTo(200);
    }

    /** Issue 14 item 10: a user deleted while signed in is signed out (401), in the API and on pages. */
    @Test
    void aDeletedUsersLiveSessionAndTokenAnswer401() {
        String email = "deleted-" + next() + "@msp.example";
        Response created = ownerAtHome.post("/api/v1/users", Map.of("email", email, "role", "editor",
                "password", PASSWORD));
        String id = created(created);
        PortalClient session = PortalClient.signIn(port, email, PASSWORD);
        PortalClient token = PortalClient.withToken(port, tokens.create(UUID.fromString(id), msp1.id(), "gone",
                TokenScope.WRITE).secret());
        assertThat(session.get("/api/v1/me").status()).isEqualTo(200);

        assertThat(ownerAtHome.delete("/api/v1/users/" + id, null).status()).isEqualTo(204);

        Response me = session.get("/api/v1/me");
        assertThat(me.status()).as(me.text()).isEqualTo(401);
        assertThat(me.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(session.get("/api/v1/users").status()).as("the session is over").isEqualTo(401);
        assertThat(token.get("/api/v1/me").status()).isEqualTo(401);
    }

    /**
     * Issue 14 item 8: customer A's Owner adding an address that is a user of customer B gets the answer a new
     * address gets (no "exists elsewhere"), B's user is untouched; and a customer account cannot add users in its
     * MSP's email domain, whoever adds them.
     */
    @Test
    void addingAnAddressOfAnotherAccountAnswersLikeANewOneAndTheMspsDomainIsRefused() {
        PortalClient aOwner = PortalClient.signIn(port, "owner@a.example", CUSTOMER_PASSWORD);
        UUID bOwner = users.findByEmail("owner@b.example").orElseThrow().id();
        var bBefore = users.memberships(bOwner);
        String fresh = "fresh-" + next() + "@elsewhere.example";
        List<Response> answers = new ArrayList<>();
        for (String email : List.of("owner@b.example", fresh)) {
            answers.add(aOwner.post("/api/v1/users", Map.of("email", email, "name", "Pat", "role", "viewer",
                    "password", "initial-password-1")));
        }
        for (Response r : answers) {
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            assertThat(r.text()).doesNotContainIgnoringCase("another account").doesNotContain("B Owner")
                    .doesNotContain(b.id().toString()).doesNotContain(bOwner.toString());
        }
        List<String> shapes = answers.stream().map(r -> r.text().replaceAll("\"id\":\"[^\"]+\"", "ID")
                .replaceAll("\"since\":\"[^\"]+\"", "SINCE").replace("owner@b.example", "EMAIL")
                .replace(fresh, "EMAIL")).toList();
        assertThat(shapes.get(0)).isEqualTo(shapes.get(1));
        assertThat(answers.get(0).header("Location").orElseThrow()).startsWith("/api/v1/users/");

        // the invited address is one of A's users like any other; B's person keeps B, their name and password
        String invited = answers.get(0).body().path("id").asString();
        Response listed = aOwner.get("/api/v1/users/" + invited);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().path("name").asString()).isEqualTo("Pat");
        assertThat(users.memberships(bOwner)).isEqualTo(bBefore);
        assertThat(users.findByEmail("owner@b.example").orElseThrow().displayName()).isEqualTo("B Owner");
        assertThat(PortalClient.signIn(port, "owner@b.example", CUSTOMER_PASSWORD).get("/api/v1/me").status())
                .isEqualTo(200);
        Response again = aOwner.post("/api/v1/users", Map.of("email", "owner@b.example", "role", "viewer"));
        Response freshAgain = aOwner.post("/api/v1/users", Map.of("email", fresh, "role", "viewer"));
        assertThat(List.of(again.status(), freshAgain.status())).containsExactly(409, 409);
        assertThat(again.detail().replace("owner@b.example", "EMAIL"))
                .isEqualTo(freshAgain.detail().replace(fresh, "EMAIL"));
        assertThat(aOwner.call("PATCH", "/api/v1/users/" + invited, Map.of("role", "editor")).body().path("role")
                .asString()).isEqualTo("editor");
        assertThat(aOwner.delete("/api/v1/users/" + invited, null).status()).isEqualTo(204);
        assertThat(users.memberships(bOwner)).isEqualTo(bBefore);

        // the MSP's email domain (msp.example) and its subdomains, by A's Owner or by the MSP's staff inside A
        var before = fingerprint.take();
        for (PortalClient adder : List.of(aOwner, signIn(OWNER).header("Rebill-Account", a.id().toString()))) {
            for (String email : List.of("new-staff-" + next() + "@msp.example", "x" + next() + "@eu.MSP.example")) {
                Response r = adder.post("/api/v1/users", Map.of("email", email, "role", "viewer"));
                assertThat(r.status()).as(r.text()).isEqualTo(400);
                assertThat(r.detail()).contains("MSP's email domain msp.example");
            }
        }
        assertThat(DatabaseFingerprint.changed(before, fingerprint.take())).isEmpty();
        assertThat(ownerAtHome.post("/api/v1/users", Map.of("email", "staff-" + next() + "@msp.example",
                "role", "viewer")).status()).as("the MSP adds its own staff").isEqualTo(201);
    }

    /** A call that names another tenant's account or id where the matrix cannot: in a header, a body, a path. */
    record Foreign(String who, PortalClient client, String method, String path, Object body, int status) {
    }

    @Test
    void idsOfOtherTenantsInHeadersBodiesAndPathsAnswer404AndChangeNothing() {
        String header = "Rebill-Account";
        List<Foreign> calls = List.of(
                new Foreign("MSP owner acting in the other MSP's customer", signIn(OWNER).header(header,
                        c.id().toString()), "GET", "/me", null, 404),
                new Foreign("MSP owner acting in the other MSP", signIn(OWNER).header(header, msp2.id().toString()),
                        "GET", "/users", null, 404),
                new Foreign("MSP write token acting in the other MSP's customer", PortalClient.withToken(port,
                        tokens.create(users.findByEmail(OWNER).orElseThrow().id(), msp1.id(), "foreign",
                                TokenScope.WRITE).secret()).header(header, c.id().toString()),
                        "POST", "/users", Map.of("email", "foreign-1@users.example", "role", "viewer"), 404),
                new Foreign("customer A's owner acting in customer B", PortalClient.signIn(port, "owner@a.example",
                        CUSTOMER_PASSWORD).header(header, b.id().toString()), "GET", "/users", null, 404),
                new Foreign("customer A's owner acting in customer B", PortalClient.signIn(port, "owner@a.example",
                        CUSTOMER_PASSWORD).header(header, b.id().toString()), "POST", "/users",
                        Map.of("email", "foreign-2@users.example", "role", "viewer"), 404),
                new Foreign("the other MSP's owner acting in customer A", PortalClient.signIn(port,
                        "owner@other.example", PASSWORD).header(header, a.id().toString()), "GET", "/me", null, 404),
                new Foreign("the other MSP's owner billing its linked account to customer A",
                        PortalClient.signIn(port, "owner@other.example", PASSWORD), "PUT",
                        "/integrations/" + msp2Integration + "/linked_accounts/777777777777",
                        Map.of("customer_account_id", a.id().toString(), "from", "2024-06"), 404),
                new Foreign("MSP owner billing a linked account to the other MSP's customer", signIn(OWNER), "PUT",
                        "/integrations/" + msp1Integration + "/linked_accounts/777777777777",
                        Map.of("customer_account_id", c.id().toString(), "from", "2024-06"), 404),
                new Foreign("customer A's owner reading the MSP's consolidated source", PortalClient.signIn(port,
                        "owner@a.example", CUSTOMER_PASSWORD), "GET", "/sources/" + msp1Source, null, 404),
                new Foreign("customer A's owner reading the MSP's costs", PortalClient.signIn(port,
                        "owner@a.example", CUSTOMER_PASSWORD), "GET", "/sources/" + msp1Source + "/periods/" + PERIOD
                        + "/costs", null, 404),
                new Foreign("customer A's owner deleting the MSP's integration", PortalClient.signIn(port,
                        "owner@a.example", CUSTOMER_PASSWORD), "DELETE", "/integrations/" + msp1Integration, null, 404),
                new Foreign("Manager User in A reading an MSP user", signIn(OWNER).header(header, a.id().toString()),
                        "GET", "/users/" + msp1Holder, null, 404),
                new Foreign("Manager User in A removing an MSP user", signIn(OWNER).header(header, a.id().toString()),
                        "DELETE", "/users/" + msp1Holder, null, 404),
                new Foreign("Manager User in A deleting the MSP's integration", signIn(OWNER).header(header,
                        a.id().toString()), "DELETE", "/integrations/" + msp1Integration, null, 404),
                new Foreign("MSP owner at home changing a user of customer A", signIn(OWNER), "PATCH",
                        "/users/" + aHolder, Map.of("role", "owner"), 404),
                new Foreign("MSP owner at home reading customer A's own source", signIn(OWNER), "GET",
                        "/sources/" + aSource, null, 404),
                new Foreign("MSP owner revoking a token of customer A", signIn(OWNER), "DELETE",
                        "/api_tokens/" + freshToken(a), null, 404),
                new Foreign("the other MSP's owner unassigning the MSP's linked account", PortalClient.signIn(port,
                        "owner@other.example", PASSWORD), "DELETE", "/integrations/" + msp1Integration
                        + "/linked_accounts/111111111111/2024-01", null, 404));
        List<String> problems = new ArrayList<>();
        for (Foreign call : calls) {
            var before = fingerprint.take();
            Response r = call.client().call(call.method(), "/api/v1" + call.path(), call.body());
            var changed = DatabaseFingerprint.changed(before, fingerprint.take());
            String what = call.who() + " (" + call.method() + " " + call.path() + ")";
            if (r.status() != call.status()) {
                problems.add(what + ": expected " + call.status() + ", got " + r.status() + " " + r.text());
            }
            if (!changed.isEmpty()) {
                problems.add(what + ": changed " + changed);
            }
        }
        assertThat(problems).isEmpty();
    }

    private String render(Map<String, Map<String, String>> actual) {
        StringBuilder out = new StringBuilder(String.format("%-65s", "route"));
        callers.keySet().forEach(c -> out.append(String.format("%-6s", c)));
        actual.forEach((route, row) -> {
            out.append(String.format("%n%-65s", route.replaceFirst(" ", "    ".substring(route.indexOf(' ') - 3))));
            row.values().forEach(cell -> out.append(String.format("%-6s", cell)));
        });
        return out.toString();
    }
}

package io.rebill.billingconfig;

import io.rebill.billingconfig.internal.Assignments;
import io.rebill.billingconfig.internal.ConfigFiles;
import io.rebill.billingconfig.internal.Definitions;
import io.rebill.billingconfig.internal.RuleEdits;
import io.rebill.billingconfig.internal.StoreContext;
import io.rebill.billingconfig.internal.WorkflowEdits;
import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.ingestion.Ingestion;
import io.rebill.rules.Billing;
import io.rebill.rules.MspConfig;
import io.rebill.rules.Rule;
import io.rebill.rules.Workflow;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Integrations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The billing configuration feature's facade: an MSP's billing rules, workflows and assignments in PostgreSQL, the
 * same model as msp.yaml (docs/msp-config.md, docs/portal-billing-rules.md). Screens and the API call this facade; it
 * checks the actor's permissions itself, scopes everything by the actor's MSP, runs each change in one transaction
 * with its audit entry, and validates a change by writing the MSP's whole configuration as msp.yaml text and parsing
 * it with {@link MspConfigFile}: what a file would reject, the portal rejects, with the rule key and field named.
 *
 * <p>Rules and workflows are given as the engine's sealed {@link Rule} and {@link Workflow}, or as their msp.yaml
 * mappings (plain maps, as a form or JSON body gives them, with the id called {@code key}; numbers may be JSON
 * numbers or decimal strings). The maps stay for the API and the forms: a body's problems are reported by its JSON
 * field names (and a PATCH merges fields), which a typed value cannot carry. Both take the same path: a typed rule is
 * written as msp.yaml's writer writes it ({@link Definitions}), then checked and stored like a submitted one.
 */
public final class BillingRules {
    private final StoreContext ctx;
    private final RuleEdits rules;
    private final WorkflowEdits workflows;
    private final Assignments assignments;
    private final ConfigFiles files;

    public BillingRules(JdbcClient jdbc, TransactionTemplate tx, Integrations integrations, Ingestion ingestion,
                        Billing billing, AuditLog audit, Clock clock) {
        this.ctx = new StoreContext(jdbc, tx, integrations, ingestion, billing, audit, clock);
        this.rules = new RuleEdits(ctx);
        this.workflows = new WorkflowEdits(ctx);
        this.assignments = new Assignments(ctx);
        this.files = new ConfigFiles(ctx, assignments);
    }

    /** Called with the MSP's id after a change of its configuration has committed (bill runs refresh drafts). */
    public void onChange(Consumer<UUID> listener) {
        ctx.onChange(listener);
    }

    /** msp.yaml carries the MSP's exchange rates (issue 13 item 6): an export writes them, an import replaces them. */
    public void useExchangeRates(io.rebill.rates.ExchangeRateBook book) {
        files.useExchangeRates(book);
    }

    /**
     * A JSON object as the store takes it (a request body): decimals exact, a key given twice refused. {@code what}
     * names the body in the error ("request body").
     */
    public static Map<String, Object> parseJson(String json, String what) {
        return StoreContext.parseJson(json, what);
    }

    /** The calendar month now: changes to assignments take effect from it unless told otherwise. */
    public BillingPeriod currentPeriod() {
        return ctx.currentPeriod();
    }

    // ---- rules ----

    /** Needs View Management Account. */
    public Page<BillingRule> rules(Actor actor, PageRequest page) {
        return rules.rules(actor, page);
    }

    public BillingRule rule(Actor actor, UUID id) {
        return rules.rule(actor, id);
    }

    /** Creates a rule (Create Management Resources); a key already used is DUPLICATE. */
    public BillingRule createRule(Actor actor, Map<String, ?> fields) {
        return rules.createRule(actor, fields);
    }

    /** Creates a rule given as the engine's type; as {@link #createRule(Actor, Map)}. */
    public BillingRule createRule(Actor actor, Rule rule) {
        return rules.createRule(actor, Definitions.fields(rule));
    }

    /** Replaces a rule with one given as the engine's type (its id the new key); as {@link #replaceRule(Actor, UUID, Map)}. */
    public BillingRule replaceRule(Actor actor, UUID id, Rule rule) {
        return rules.replaceRule(actor, id, Definitions.fields(rule));
    }

    /**
     * Replaces a rule's definition (PUT). A new key is carried into the workflows that list the rule; a key left out
     * keeps the current one.
     */
    public BillingRule replaceRule(Actor actor, UUID id, Map<String, ?> fields) {
        return rules.replaceRule(actor, id, fields);
    }

    /**
     * Changes some fields of a rule (PATCH, RFC 7396 merge): a field given replaces the stored one, a field given as
     * null removes it.
     */
    public BillingRule patchRule(Actor actor, UUID id, Map<String, ?> patch) {
        return rules.patchRule(actor, id, patch);
    }

    /** Deletes a rule; one that a workflow still lists is IN_USE (409), naming the workflows. */
    public void deleteRule(Actor actor, UUID id) {
        rules.deleteRule(actor, id);
    }

    // ---- workflows ----

    public Page<BillingWorkflow> workflows(Actor actor, PageRequest page) {
        return workflows.workflows(actor, page);
    }

    public BillingWorkflow workflow(Actor actor, UUID id) {
        return workflows.workflow(actor, id);
    }

    /** Creates a workflow: {@code key}, {@code title}, {@code basis} (default effective), {@code rules} (keys, in order). */
    public BillingWorkflow createWorkflow(Actor actor, Map<String, ?> fields) {
        return workflows.createWorkflow(actor, fields);
    }

    /** Creates a workflow given as the engine's type; as {@link #createWorkflow(Actor, Map)}. */
    public BillingWorkflow createWorkflow(Actor actor, Workflow workflow) {
        return workflows.createWorkflow(actor, Definitions.fields(workflow));
    }

    /** Replaces a workflow with one given as the engine's type (its id the new key). */
    public BillingWorkflow replaceWorkflow(Actor actor, UUID id, Workflow workflow) {
        return workflows.replaceWorkflow(actor, id, Definitions.fields(workflow));
    }

    public BillingWorkflow replaceWorkflow(Actor actor, UUID id, Map<String, ?> fields) {
        return workflows.replaceWorkflow(actor, id, fields);
    }

    /** Changes some fields (RFC 7396 merge): {@code {"rules": [...]}} reorders or changes the rules only. */
    public BillingWorkflow patchWorkflow(Actor actor, UUID id, Map<String, ?> patch) {
        return workflows.patchWorkflow(actor, id, patch);
    }

    /** Deletes a workflow; one still assigned to a customer is IN_USE (409), naming the customers. */
    public void deleteWorkflow(Actor actor, UUID id) {
        workflows.deleteWorkflow(actor, id);
    }

    // ---- a customer account's billing ----

    /** How the account is billed in the period (default: the current one); needs View Managed Accounts. */
    public AccountBilling accountBilling(Actor actor, UUID account, Optional<BillingPeriod> period) {
        return assignments.accountBilling(actor, account, period);
    }

    /**
     * The seed's "Assign a Billing Rule": the account is billed from {@code from} (default: the current period) with
     * exactly the selected rules (keys or ids), applied in the MSP's rule order. The account gets its own workflow
     * {@code account-<key>-<from>} holding them, assigned from that period; earlier periods keep what they had.
     * {@code basis} defaults to the basis of the workflow the account had. An empty selection bills at cost.
     * Needs View Managed Accounts and Create Managed Account Resources.
     */
    public AccountBilling assignRules(Actor actor, UUID account, List<String> rules, Optional<BillingPeriod> from,
                                      Optional<String> basis) {
        return assignments.assignRules(actor, account, rules, from, basis);
    }

    /** Bills the account with a workflow from a period on (replacing an assignment from the same period). */
    public BillingAssignment assignWorkflow(Actor actor, UUID account, String workflow, BillingPeriod from) {
        return assignments.assignWorkflow(actor, account, workflow, from);
    }

    public List<BillingAssignment> assignments(Actor actor, UUID account) {
        return assignments.assignments(actor, account);
    }

    public void unassign(Actor actor, UUID account, BillingPeriod from) {
        assignments.unassign(actor, account, from);
    }

    // ---- msp.yaml ----

    /**
     * The MSP's configuration as msp.yaml: customers are its managed accounts (in claim order) with the linked
     * accounts billed to them in {@code period} (default: the current one). Needs View Management Account and View
     * Managed Accounts.
     */
    public String exportYaml(Actor actor, Optional<BillingPeriod> period) {
        return files.exportYaml(actor, period);
    }

    /** The MSP's configuration as the billing engine takes it, for a period's linked accounts. */
    public MspConfig config(UUID msp, BillingPeriod period) {
        return files.config(msp, period);
    }

    /**
     * Replaces the MSP's rules, workflows and assignments with those of an msp.yaml, and sets its customers' match
     * predicates and claim order, in one transaction after the whole file parsed. Customers must be managed accounts
     * (by key) and list exactly the linked accounts billed to them in {@code period} (default: the current one);
     * names and contact emails stay the managed accounts' own. Needs the rights of editing rules and assigning them.
     */
    public ConfigImport importYaml(Actor actor, String yaml, Optional<BillingPeriod> period) {
        return files.importYaml(actor, yaml, period);
    }

    // ---- preview ----

    /**
     * Bills a period as stored and as the change would have it, and compares (nothing is saved). The period defaults
     * to the latest one the MSP's integrations hold. Needs View Management Account and View Managed Accounts (the
     * answer shows customers' costs and margins).
     */
    public BillingPreview preview(Actor actor, ProposedChange change, Optional<BillingPeriod> period, int topLines) {
        return files.preview(actor, change, period, topLines);
    }
}

package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.BillingPreview;
import io.rebill.billingconfig.ConfigImport;
import io.rebill.billingconfig.InvalidBillingConfigException;
import io.rebill.billingconfig.ProposedChange;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.rates.ExchangeRateBook;
import io.rebill.rules.BillDiff;
import io.rebill.rules.MspConfig;
import io.rebill.rules.config.InvalidMspConfigException;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Integration;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The MSP's configuration as a whole: as msp.yaml (export, import in one transaction), as the billing engine takes
 * it, and the preview of a change billed against the stored configuration (nothing saved).
 */
public final class ConfigFiles {
    private final StoreContext ctx;
    private final StoreDb db;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Assignments assignments;
    /** The MSP's exchange rates, written to and read from msp.yaml (none until the application wires them). */
    private volatile Optional<ExchangeRateBook> rates = Optional.empty();

    public ConfigFiles(StoreContext ctx, Assignments assignments) {
        this.ctx = ctx;
        this.db = ctx.db;
        this.tx = ctx.tx;
        this.clock = ctx.clock;
        this.assignments = assignments;
    }

    /** Where the MSP's exchange rates are kept: an export writes them, an import replaces them. */
    public void useExchangeRates(ExchangeRateBook book) {
        this.rates = Optional.of(book);
    }

    /**
     * The MSP's configuration as msp.yaml: customers are its managed accounts (in claim order) with the linked
     * accounts billed to them in {@code period} (default: the current one). Needs View Management Account and View
     * Managed Accounts.
     */
    public String exportYaml(Actor actor, Optional<BillingPeriod> period) {
        UUID msp = Access.viewer(actor);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        MspConfig config = config(msp, period.orElse(ctx.currentPeriod()));
        // every rate of the MSP, whatever the period: an import of the file replaces them all
        return MspConfigFile.toYaml(rates.map(r -> config.withExchangeRates(r.ratesFor(msp, config.currency())))
                .orElse(config));
    }

    /** The MSP's configuration as the billing engine takes it, for a period's linked accounts. */
    public MspConfig config(UUID msp, BillingPeriod period) {
        return ConfigText.of(ctx.snapshot(msp, period)).parse();
    }

    /**
     * Replaces the MSP's rules, workflows and assignments with those of an msp.yaml, and sets its customers' match
     * predicates and claim order, in one transaction after the whole file parsed. Customers must be managed accounts
     * (by key) and list exactly the linked accounts billed to them in {@code period} (default: the current one);
     * names and contact emails stay the managed accounts' own. Needs the rights of editing rules and assigning them.
     */
    public ConfigImport importYaml(Actor actor, String yaml, Optional<BillingPeriod> period) {
        UUID msp = Access.assigner(actor);
        actor.require(Permission.CREATE_MANAGEMENT_RESOURCES);
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
        BillingPeriod checkedIn = period.orElse(ctx.currentPeriod());
        MspConfig config;
        try {
            config = MspConfigFile.parse("msp.yaml", yaml == null ? "" : yaml, ConfigText.CEL);
        } catch (InvalidMspConfigException e) {
            throw new InvalidBillingConfigException(e.problems().stream().map(MspYamlImport::fileProblem).toList());
        }
        if (rates.isEmpty() && !config.exchangeRates().rates().isEmpty()) {
            // never drop a file's rates silently (an import before the application has wired the rates feature)
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "msp.yaml: exchange_rates cannot be stored yet (the"
                    + " exchange rates feature is not running); import the file again once the server has started");
        }
        return tx.execute(status -> {
            db.lock(msp);
            Snapshot before = ctx.snapshot(msp, checkedIn);
            ConfigImport result = new MspYamlImport(db, clock).replace(before, config, checkedIn, actor.createdBy());
            int ratesChanged = rates.map(r -> r.replaceAll(msp, config.exchangeRates(), actor.createdBy())).orElse(0);
            ctx.recordChange(actor, "billing_config.import", msp.toString(), Map.of("rules", config.rules().size(),
                    "workflows", config.workflows().size(), "assignments", config.assignments().size(),
                    "customers", config.customers().size(), "exchange_rates", config.exchangeRates().rates().size(),
                    "exchange_rates_changed", ratesChanged));
            return result;
        });
    }

    /**
     * Bills a period as stored and as the change would have it, and compares (nothing is saved). The period defaults
     * to the latest one the MSP's integrations hold. Needs View Management Account and View Managed Accounts (the
     * answer shows customers' costs and margins).
     */
    public BillingPreview preview(Actor actor, ProposedChange change, Optional<BillingPeriod> period, int topLines) {
        UUID msp = Access.viewer(actor);
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        List<Integration> own = ctx.integrations.of(msp);
        Map<String, SourceState> sources = new HashMap<>();
        ctx.ingestion.sources().forEach(s -> sources.put(s.name(), s));
        List<SourceState> stored = own.stream().map(i -> sources.get(i.sourceName())).filter(s -> s != null).toList();
        BillingPeriod p = period.or(() -> stored.stream().flatMap(s -> s.periods().stream())
                .map(StoredPeriod::period).max(Comparator.naturalOrder())).orElseThrow(
                () -> new RebillException(ErrorCode.UNKNOWN_PERIOD, "the MSP's integrations hold no billing data yet;"
                        + " ingest a billing file into an integration first"));
        List<Path> files = new ArrayList<>();
        for (SourceState s : stored) {
            if (s.period(p).isPresent()) {
                files.addAll(ctx.ingestion.lineItemFiles(s.name(), p));
            }
        }
        if (files.isEmpty()) {
            throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "no integration of the MSP holds billing period " + p
                    + "; they hold " + stored.stream().flatMap(s -> s.periods().stream())
                    .map(sp -> sp.period().toString()).distinct().sorted().toList());
        }
        Snapshot before = ctx.snapshot(msp, p);
        Snapshot after = apply(before, change, p, actor.createdBy());
        // with the MSP's exchange rates, as its bill runs convert lines in other currencies
        MspConfig current = withRates(msp, ConfigText.of(before).parse());
        MspConfig proposed = withRates(msp, ConfigText.of(after).parse());
        BillDiff diff = ctx.billing.diff(current, proposed, p, files, topLines, m -> { });
        Map<String, String> names = new HashMap<>();
        before.customers().forEach(c -> names.put(c.key(), c.name()));
        List<BillingPreview.Customer> customers = diff.customers().stream()
                .map(c -> new BillingPreview.Customer(c.customerId(), names.getOrDefault(c.customerId(), c.customerId()),
                        c.costBefore(), c.costAfter(), c.chargeBefore(), c.chargeAfter()))
                .sorted(Comparator.comparing((BillingPreview.Customer c) -> c.chargeDelta().abs()).reversed()
                        .thenComparing(BillingPreview.Customer::key))
                .toList();
        List<BillingPreview.Line> lines = diff.topLines().stream().map(l -> new BillingPreview.Line(l.lineId(),
                Optional.ofNullable(l.customerBefore()), Optional.ofNullable(l.customerAfter()), l.serviceName(),
                l.chargeType(), Optional.ofNullable(l.chargeBefore()), Optional.ofNullable(l.chargeAfter()), l.delta()))
                .toList();
        return new BillingPreview(p, customers, lines);
    }

    private MspConfig withRates(UUID msp, MspConfig config) {
        return rates.map(r -> config.withExchangeRates(r.ratesFor(msp, config.currency()))).orElse(config);
    }

    private Snapshot apply(Snapshot s, ProposedChange change, BillingPeriod period, String by) {
        Snapshot after = s;
        Instant now = Instant.now(clock);
        int position = s.rules().stream().mapToInt(Snapshot.RuleRow::position).max().orElse(0);
        for (Map<String, Object> fields : change.rules()) {
            ObjectNode definition = Inputs.ruleInput(Json.object(fields), Optional.empty());
            String key = definition.path("id").asString();
            Optional<Snapshot.RuleRow> current = after.rule(key);
            after = after.withRule(new Snapshot.RuleRow(current.map(Snapshot.RuleRow::id).orElse(UUID.randomUUID()),
                    key, "", "", definition, current.map(Snapshot.RuleRow::position).orElse(++position), now, by, now));
        }
        for (String key : change.deleteRules()) {
            Snapshot.RuleRow rule = after.rule(key).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID,
                    "delete_rules: there is no rule '" + key + "'"));
            after = after.withoutRule(rule.id()).mapWorkflows(w -> w.withRuleKeys(
                    w.ruleKeys().stream().filter(k -> !k.equals(key)).toList()));
        }
        for (Map<String, Object> fields : change.workflows()) {
            ObjectNode input = Inputs.workflowInput(Json.object(fields), Optional.empty());
            Optional<Snapshot.WorkflowRow> current = after.workflow(input.path("id").asString());
            after = after.withWorkflow(ctx.pendingWorkflow(current.map(Snapshot.WorkflowRow::id).orElse(UUID.randomUUID()),
                    input, 0, current.flatMap(Snapshot.WorkflowRow::customerAccountId), by));
        }
        for (ProposedChange.Assignment a : change.assignments()) {
            Account customer = Inputs.customerRef(after, a.customer());
            String workflow = Inputs.requireText(a.workflow(), "assignment", customer.key(), "workflow");
            after = after.withAssignment(new Snapshot.AssignmentRow(customer.id(), a.from().orElse(period), workflow,
                    now, by));
        }
        for (ProposedChange.AccountRules r : change.accountRules()) {
            after = assignments.withAccountRules(after, Inputs.customerRef(after, r.customer()), r.rules(), period, r.basis(), by);
        }
        return after;
    }
}

package io.rebill.billingconfig.internal;

import io.rebill.billingconfig.BillingConfigProblem;
import io.rebill.billingconfig.InvalidBillingConfigException;
import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.ingestion.Ingestion;
import io.rebill.rules.Billing;
import io.rebill.rules.Workflow;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Integrations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What every change of the MSP's billing configuration shares: the database, the transaction, the clock; the
 * configuration as of a period ({@link Snapshot}); the check that a change leaves no new problem (the whole
 * configuration written as msp.yaml text and parsed); the audit entry and the listeners told once it commits.
 */
public final class StoreContext {
    final StoreDb db;
    final TransactionTemplate tx;
    final Integrations integrations;
    final Ingestion ingestion;
    final Billing billing;
    final AuditLog audit;
    final Clock clock;
    private final List<Consumer<UUID>> listeners = new CopyOnWriteArrayList<>();

    public StoreContext(JdbcClient jdbc, TransactionTemplate tx, Integrations integrations, Ingestion ingestion,
                        Billing billing, AuditLog audit, Clock clock) {
        this.db = new StoreDb(jdbc);
        this.tx = tx;
        this.integrations = integrations;
        this.ingestion = ingestion;
        this.billing = billing;
        this.audit = audit;
        this.clock = clock;
    }

    /** Called with the MSP's id after a change of its configuration has committed (bill runs refresh drafts). */
    public void onChange(Consumer<UUID> listener) {
        listeners.add(listener);
    }

    /** Audits a change and, once its transaction commits, tells the listeners that the MSP's configuration moved. */
    void recordChange(Actor actor, String action, String target, Map<String, ?> detail) {
        audit.record(actor, action, target, detail);
        actor.mspId().ifPresent(msp -> {
            Runnable notify = () -> listeners.forEach(l -> l.accept(msp));
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(
                        new TransactionSynchronization() {
                            @Override
                            public void afterCommit() {
                                notify.run();
                            }
                        });
            } else {
                notify.run();
            }
        });
    }

    public static Map<String, Object> parseJson(String json, String what) {
        return Json.toMap(Json.object(json, what));
    }

    /** The calendar month now: changes to assignments take effect from it unless told otherwise. */
    public BillingPeriod currentPeriod() {
        return new BillingPeriod(YearMonth.now(clock));
    }

    Snapshot snapshot(UUID msp, BillingPeriod period) {
        return new Snapshot(db.msp(msp), period, db.customers(msp), integrations.ownersIn(msp, period), db.rules(msp),
                db.workflows(msp), db.assignments(msp));
    }

    /**
     * Rejects the change when the configuration it leaves behind has a problem the stored one did not have (a
     * customer's broken match predicate, set elsewhere, does not block editing a rule; it is reported when billing).
     */
    static void validate(Snapshot before, Snapshot after) {
        try {
            ConfigText.of(after).parse();
        } catch (InvalidBillingConfigException e) {
            Set<String> known = ConfigText.of(before).problems().stream().map(ConfigText::signature)
                    .collect(Collectors.toSet());
            List<BillingConfigProblem> fresh = e.problems().stream()
                    .filter(p -> !known.contains(ConfigText.signature(p))).toList();
            if (!fresh.isEmpty()) {
                throw new InvalidBillingConfigException(fresh);
            }
        }
    }

    /** The rule as msp.yaml's writer has it (kind, title and definition columns come from it). */
    Snapshot.RuleRow canonical(Account msp, Snapshot.RuleRow row) {
        Snapshot alone = new Snapshot(msp, currentPeriod(), List.of(), Map.of(), List.of(row), List.of(), List.of());
        ObjectNode definition = Canonical.rules(ConfigText.of(alone).parse()).get(row.key());
        return new Snapshot.RuleRow(row.id(), row.key(), Canonical.kind(definition), Canonical.title(definition),
                definition, row.position(), row.createdAt(), row.createdBy(), row.updatedAt());
    }

    /** The submitted workflow as parsed (basis defaulted), against the rules it refers to. */
    Snapshot.WorkflowRow canonical(Snapshot after, Snapshot.WorkflowRow pending) {
        Snapshot alone = new Snapshot(after.msp(), after.period(), List.of(), Map.of(), after.rules(), List.of(pending),
                List.of());
        Workflow w = ConfigText.of(alone).parse().workflows().get(0);
        return new Snapshot.WorkflowRow(pending.id(), w.id(), w.title(), MspYamlImport.basis(w.basis()), w.ruleIds(),
                pending.position(), pending.customerAccountId(), pending.createdAt(), pending.createdBy(),
                Instant.now(clock), Optional.empty());
    }

    Snapshot.WorkflowRow pendingWorkflow(UUID id, ObjectNode input, int position, Optional<UUID> account,
                                                 String by) {
        String key = input.path("id").asString();
        return new Snapshot.WorkflowRow(id, key, input.path("title").asString(""), input.path("basis")
                .asString("effective"), List.of(), position, account, Instant.now(clock), by, Instant.now(clock),
                Optional.of(input));
    }
}

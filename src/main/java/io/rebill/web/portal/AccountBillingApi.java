package io.rebill.web.portal;

import io.rebill.billingconfig.AccountBilling;
import io.rebill.billingconfig.BillingAssignment;
import io.rebill.billingconfig.BillingRule;
import io.rebill.billingconfig.BillingRules;
import io.rebill.billingconfig.BillingWorkflow;
import io.rebill.identity.Actor;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * How a managed account is billed: the seed's "Assign a Billing Rule" (select rules, Save) and explicit workflow
 * assignments from a period on. Reading needs View Managed Accounts; changing it also Create Managed Account
 * Resources (Owner, Integration Owner; not Editor).
 */
@RestController
@RequestMapping("/api/v1/managed_accounts/{account}")
class AccountBillingApi {
    private final BillingRules store;

    AccountBillingApi(BillingRules store) {
        this.store = store;
    }

    record AssignmentJson(UUID accountId, String accountKey, String from, String workflow, Instant createdAt,
                          String createdBy) {
        static AssignmentJson of(BillingAssignment a) {
            return new AssignmentJson(a.accountId(), a.accountKey(), a.from().toString(), a.workflow(), a.createdAt(),
                    a.createdBy());
        }
    }

    record AccountBillingJson(UUID accountId, String accountKey, String period, Optional<BillingWorkflow> workflow,
                              List<BillingRule> rules, List<AssignmentJson> assignments) {
        static AccountBillingJson of(AccountBilling b) {
            return new AccountBillingJson(b.accountId(), b.accountKey(), b.period().toString(), b.workflow(), b.rules(),
                    b.assignments().stream().map(AssignmentJson::of).toList());
        }
    }

    /** The rules (and the workflow holding them) that bill the account in {@code ?period=} (default: this month). */
    @GetMapping("/billing_rules")
    AccountBillingJson rules(Actor actor, @PathVariable UUID account, @RequestParam Optional<String> period) {
        return AccountBillingJson.of(store.accountBilling(actor, account, period.map(BillingPeriod::parse)));
    }

    record RuleSelection(List<String> rules, Optional<String> from, Optional<String> basis) {
    }

    /**
     * Bills the account with exactly these rules (keys or ids) from {@code from} (default: this month) on, in the
     * MSP's rule order: {@code {"rules": ["uplift-3", "management-fee"]}}.
     */
    @PutMapping("/billing_rules")
    AccountBillingJson assignRules(Actor actor, @PathVariable UUID account, @RequestBody RuleSelection body) {
        List<String> rules = body.rules() == null ? List.of() : body.rules();
        return AccountBillingJson.of(store.assignRules(actor, account, rules,
                optional(body.from()).map(BillingPeriod::parse), optional(body.basis())));
    }

    @GetMapping("/workflow_assignments")
    List<AssignmentJson> assignments(Actor actor, @PathVariable UUID account) {
        return store.assignments(actor, account).stream().map(AssignmentJson::of).toList();
    }

    record WorkflowAssignment(String workflow, String from) {
    }

    /** {@code {"workflow": "standard", "from": "2026-10"}}: the account is billed with it from that period on. */
    @PostMapping("/workflow_assignments")
    AssignmentJson assign(Actor actor, @PathVariable UUID account, @RequestBody WorkflowAssignment body) {
        ManagedAccountsApi.required(body.from(), "from");
        return AssignmentJson.of(store.assignWorkflow(actor, account, body.workflow(), BillingPeriod.parse(body.from())));
    }

    @DeleteMapping("/workflow_assignments/{from}")
    ResponseEntity<Void> unassign(Actor actor, @PathVariable UUID account, @PathVariable String from) {
        store.unassign(actor, account, BillingPeriod.parse(from));
        return ResponseEntity.noContent().build();
    }

    private static <T> Optional<T> optional(Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }
}

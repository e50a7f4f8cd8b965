package io.rebill.billingconfig.internal;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.rules.Billing;
import io.rebill.tenancy.Account;

import java.util.List;
import java.util.UUID;

/**
 * Who may do what with the MSP's billing configuration (the seed's RBAC table; every action is the MSP's own):
 * viewing needs View Management Account, editing rules and workflows Create Management Resources, assigning them to
 * customer accounts View Managed Accounts and Create Managed Account Resources.
 */
final class Access {
    private Access() {
    }

    static UUID viewer(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGEMENT_ACCOUNT);
        return msp;
    }

    /**
     * Whom the MSP bills how is managed-account data: staff without View Managed Accounts (Editor, Viewer) see the
     * MSP's shared workflows without {@code assigned_to}, and neither see nor change the accounts' own workflows
     * (made by "Assign a Billing Rule", named after the customer), which answer like unknown ids.
     */
    static boolean seesAccounts(Actor actor) {
        return actor.can(Permission.VIEW_MANAGED_ACCOUNTS);
    }

    static List<Snapshot.WorkflowRow> visible(Actor actor, List<Snapshot.WorkflowRow> workflows) {
        return seesAccounts(actor) ? workflows
                : workflows.stream().filter(w -> w.customerAccountId().isEmpty()).toList();
    }

    static UUID editor(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.CREATE_MANAGEMENT_RESOURCES);
        return msp;
    }

    static UUID assigner(Actor actor) {
        UUID msp = actor.requireMsp();
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        actor.require(Permission.CREATE_MANAGED_ACCOUNT_RESOURCES);
        return msp;
    }
}

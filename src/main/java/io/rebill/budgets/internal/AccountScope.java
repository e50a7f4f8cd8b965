package io.rebill.budgets.internal;

import io.rebill.costs.CostViewer;
import io.rebill.costs.DailyCosts;
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;

import java.util.UUID;

/**
 * Whose budgets and channels a request reads or changes: always the account the actor acts in, whose figures are
 * those of {@code msp}'s bill runs. Reading needs what reading the figures needs (the MSP's Owner and Integration
 * Owner, or View Account inside a customer account: {@link DailyCosts#viewerOf}); changing also needs the right to
 * create resources there.
 */
public record AccountScope(UUID account, UUID msp, boolean mspAccount) {

    public static AccountScope reading(Actor actor) {
        CostViewer viewer = DailyCosts.viewerOf(actor);
        return new AccountScope(actor.account().id(), viewer.msp(), viewer instanceof CostViewer.Msp);
    }

    public static AccountScope changing(Actor actor) {
        AccountScope scope = reading(actor);
        actor.require(scope.mspAccount() ? Permission.CREATE_MANAGEMENT_RESOURCES : Permission.CREATE_ACCOUNT_RESOURCES);
        return scope;
    }
}

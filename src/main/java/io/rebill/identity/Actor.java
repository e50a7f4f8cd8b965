package io.rebill.identity;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.Account;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who is acting, and in which account: a signed-in user (or an API token of theirs) in their home account, or an
 * MSP user who entered a customer account and acts there as "Manager User". Passed explicitly to everything that
 * checks permissions or records who did what (never a thread-local).
 *
 * @param home    the account the user is a member of, with {@code homeRole} there
 * @param account the account the request acts in: {@code home}, or a customer account {@code home} manages
 * @param scope   the API token's scope; empty for a browser session
 */
public record Actor(UUID userId, String email, String displayName, Account home, Role homeRole, Account account,
                    Optional<TokenScope> scope) {
    public Actor {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(homeRole, "homeRole");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(scope, "scope");
        if (!account.id().equals(home.id()) && !(home.isMsp() && account.managedBy(home.id()))) {
            throw new IllegalArgumentException("an actor acts in its home account or in a customer account its MSP manages");
        }
    }

    /** True when an MSP user acts inside a customer account (the seed's "Manager User"). */
    public boolean managerUser() {
        return !account.id().equals(home.id());
    }

    /** The actor inside {@code customer}, as Manager User; the caller checked that the MSP manages it. */
    public Actor entering(Account customer) {
        if (!home.isMsp() || !customer.managedBy(home.id())) {
            throw new RebillException(ErrorCode.UNKNOWN_ID, "no account " + customer.id());
        }
        require(Permission.VIEW_MANAGED_ACCOUNTS);
        return new Actor(userId, email, displayName, home, homeRole, customer, scope);
    }

    /** The same person and token, acting in their home account again. */
    public Actor atHome() {
        return new Actor(userId, email, displayName, home, homeRole, home, scope);
    }

    /** The MSP whose data is in play: the home MSP, or the MSP of a customer user's account (none once unlinked). */
    public Optional<UUID> mspId() {
        return home.isMsp() ? Optional.of(home.id()) : home.mspId();
    }

    /** What the actor may do in {@link #account()}: the role's permissions, narrowed to reading for read tokens. */
    public Set<Permission> permissions() {
        Set<Permission> granted = EnumSet.noneOf(Permission.class);
        if (!managerUser()) {
            granted.addAll(home.isMsp() ? Role.inManagementAccount(homeRole) : Role.inCustomerAccount(homeRole));
        } else {
            Set<Permission> msp = Role.inManagementAccount(homeRole);
            if (msp.contains(Permission.VIEW_MANAGED_ACCOUNTS)) {
                granted.add(Permission.VIEW_ACCOUNT);
            }
            if (msp.contains(Permission.CREATE_MANAGED_ACCOUNT_RESOURCES)) {
                granted.addAll(EnumSet.of(Permission.CREATE_ACCOUNT_RESOURCES, Permission.MANAGE_ACCOUNT_INTEGRATIONS,
                        Permission.MANAGE_ACCOUNT_USERS));
            }
        }
        if (scope.filter(s -> s == TokenScope.READ).isPresent()) {
            granted.retainAll(EnumSet.of(Permission.VIEW_MANAGEMENT_ACCOUNT, Permission.VIEW_MANAGED_ACCOUNTS,
                    Permission.VIEW_ACCOUNT));
        }
        return granted;
    }

    public boolean can(Permission permission) {
        return permissions().contains(permission);
    }

    public void require(Permission permission) {
        if (!can(permission)) {
            throw new RebillException(ErrorCode.FORBIDDEN, "your role (" + roleLabel() + ") in " + account.name()
                    + " does not allow this" + (scope.filter(s -> s == TokenScope.READ).isPresent()
                    ? " with a read-only API token" : "") + "; ask an Owner of the account");
        }
    }

    /** The MSP account; FORBIDDEN when the actor is not in it (a customer user, or an MSP user inside a customer). */
    public UUID requireMsp() {
        if (!account.isMsp()) {
            throw new RebillException(ErrorCode.FORBIDDEN, "this is an MSP action; "
                    + (managerUser() ? "return to the MSP account first" : "customer accounts cannot do it"));
        }
        return account.id();
    }

    /** Created By as the account's users see it: the person's name, or "Manager User" for the MSP's staff. */
    public String createdBy() {
        return managerUser() ? AuditLog.MANAGER_USER : displayName;
    }

    public String roleLabel() {
        return managerUser() ? AuditLog.MANAGER_USER : homeRole.label();
    }
}

package io.rebill.identity;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.AccountKind;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

import static io.rebill.identity.Permission.*;

/**
 * A user's role in one account. In a management (MSP) account the roles and what they allow are exactly the seed's
 * "Role-Based Access Control" table; a customer account has Owner, Editor and Viewer.
 */
public enum Role {
    OWNER, INTEGRATION_OWNER, EDITOR, VIEWER;

    /** The seed's table, row by row: which management roles have the check mark. */
    static Set<Permission> inManagementAccount(Role role) {
        return switch (role) {
            case OWNER -> EnumSet.of(VIEW_MANAGEMENT_ACCOUNT, CREATE_MANAGEMENT_RESOURCES, MANAGE_MANAGED_ACCOUNTS,
                    MANAGE_PROVIDER_INTEGRATIONS, VIEW_MANAGED_ACCOUNTS, CREATE_MANAGED_ACCOUNT_RESOURCES,
                    MANAGE_MANAGEMENT_USERS);
            case INTEGRATION_OWNER -> EnumSet.of(VIEW_MANAGEMENT_ACCOUNT, CREATE_MANAGEMENT_RESOURCES,
                    MANAGE_MANAGED_ACCOUNTS, MANAGE_PROVIDER_INTEGRATIONS, VIEW_MANAGED_ACCOUNTS,
                    CREATE_MANAGED_ACCOUNT_RESOURCES);
            case EDITOR -> EnumSet.of(VIEW_MANAGEMENT_ACCOUNT, CREATE_MANAGEMENT_RESOURCES);
            case VIEWER -> EnumSet.of(VIEW_MANAGEMENT_ACCOUNT);
        };
    }

    /** Customer accounts: Owner runs the account (users, SSO, integrations), Editor creates resources, Viewer reads. */
    static Set<Permission> inCustomerAccount(Role role) {
        return switch (role) {
            case OWNER -> EnumSet.of(VIEW_ACCOUNT, CREATE_ACCOUNT_RESOURCES, MANAGE_ACCOUNT_INTEGRATIONS,
                    MANAGE_ACCOUNT_USERS);
            case EDITOR -> EnumSet.of(VIEW_ACCOUNT, CREATE_ACCOUNT_RESOURCES);
            case VIEWER -> EnumSet.of(VIEW_ACCOUNT);
            case INTEGRATION_OWNER -> throw new IllegalStateException("integration_owner is a management role");
        };
    }

    public boolean validIn(AccountKind kind) {
        return kind == AccountKind.MSP || this != INTEGRATION_OWNER;
    }

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    /** Parses a role named by a user ("integration_owner", "Integration Owner"), checked against the account kind. */
    public static Role parse(String value, AccountKind kind) {
        String normal = value == null ? "" : value.strip().toUpperCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
        Role role = Arrays.stream(values()).filter(r -> r.name().equals(normal)).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT, "role '" + value + "' is not one of "
                        + (kind == AccountKind.MSP ? "owner, integration_owner, editor, viewer" : "owner, editor, viewer")));
        if (!role.validIn(kind)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "role '" + value + "' exists only in the MSP account;"
                    + " a customer account has owner, editor, viewer");
        }
        return role;
    }

    public String label() {
        return switch (this) {
            case OWNER -> "Owner";
            case INTEGRATION_OWNER -> "Integration Owner";
            case EDITOR -> "Editor";
            case VIEWER -> "Viewer";
        };
    }
}

package io.rebill.identity;

/**
 * What an action needs. The first seven are the rows of the seed's RBAC table for the management account; the rest
 * apply inside a customer account (to its own users and to MSP staff who entered it as Manager User).
 */
public enum Permission {
    VIEW_MANAGEMENT_ACCOUNT,
    CREATE_MANAGEMENT_RESOURCES,
    MANAGE_MANAGED_ACCOUNTS,
    MANAGE_PROVIDER_INTEGRATIONS,
    VIEW_MANAGED_ACCOUNTS,
    CREATE_MANAGED_ACCOUNT_RESOURCES,
    MANAGE_MANAGEMENT_USERS,

    VIEW_ACCOUNT,
    CREATE_ACCOUNT_RESOURCES,
    MANAGE_ACCOUNT_INTEGRATIONS,
    MANAGE_ACCOUNT_USERS
}

package io.rebill.tenancy;

/** An MSP's management account, or a customer (managed) account. */
public enum AccountKind {
    MSP, CUSTOMER;

    public String dbName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AccountKind fromDb(String value) {
        return valueOf(value.toUpperCase(java.util.Locale.ROOT));
    }
}

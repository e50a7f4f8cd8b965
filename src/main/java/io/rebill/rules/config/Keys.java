package io.rebill.rules.config;

import java.util.List;

/**
 * Every key msp.yaml knows, by section, in the order the exporter writes them and docs/msp-config.md lists them.
 * The schema test compares these with docs/msp.schema.json so that the two cannot drift apart.
 */
final class Keys {
    static final List<String> TOP = List.of("msp", "customers", "rules", "workflows", "assignments",
            "exchange_rates");
    static final List<String> MSP = List.of("name", "currency");
    static final List<String> CUSTOMER = List.of("id", "name", "contact_email", "accounts", "match");
    static final List<String> RULE_COMMON = List.of("id", "title", "kind", "scope", "when", "start", "end");
    static final List<String> SCOPE = List.of("services", "categories", "charge_types", "charge_categories",
            "sub_accounts");
    static final List<String> INVOICE = List.of("service", "category", "sub_category");
    static final List<String> WORKFLOW = List.of("id", "title", "basis", "rules");
    static final List<String> ASSIGNMENT = List.of("customer", "workflow", "from");
    static final List<String> EXCHANGE_RATE = List.of("from", "period", "rate");

    /** FOCUS ChargeCategory values (spec §1); a closed set, so a typo in a scope is caught. */
    static final List<String> CHARGE_CATEGORIES = List.of("Usage", "Purchase", "Tax", "Credit", "Adjustment");

    /** Spec §3: an uplift or discount that names no charge category leaves out Tax. */
    static final List<String> ALL_BUT_TAX = List.of("Usage", "Purchase", "Credit", "Adjustment");

    private Keys() {
    }
}

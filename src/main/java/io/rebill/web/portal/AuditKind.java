package io.rebill.web.portal;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The kinds of action the audit log filters by, each the action codes' prefixes (the part before the dot). */
enum AuditKind {
    USERS("Users and sign-in", List.of("user", "sso", "api_token")),
    ACCOUNTS("Customer accounts", List.of("managed_account", "account")),
    INTEGRATIONS("Integrations and linked accounts", List.of("integration", "linked_account", "provider_accounts")),
    BILLING("Billing rules and workflows", List.of("billing_rule", "workflow", "billing_rules", "billing_assignment",
            "billing_config", "exchange_rate")),
    INVOICES("Bills and invoices", List.of("invoice", "bill_run", "bill")),
    COSTS("Cost reports, budgets and alerts", List.of("cost_report", "virtual_tag", "budget",
            "notification_channel"));

    final String label;
    final List<String> prefixes;

    AuditKind(String label, List<String> prefixes) {
        this.label = label;
        this.prefixes = prefixes;
    }

    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    String label() {
        return label;
    }

    static AuditKind parse(String value) {
        return Arrays.stream(values()).filter(k -> k.key().equalsIgnoreCase(value.strip())).findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.BAD_ARGUMENT, "kind '" + value + "' is not one of "
                        + Arrays.stream(values()).map(AuditKind::key).toList()));
    }
}

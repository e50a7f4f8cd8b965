package io.rebill.rules.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The {@code kind:} values of msp.yaml and the keys each kind takes besides the common ones. */
enum RuleKind {
    EXCLUSION("exclusion"),
    ADJUSTMENT("adjustment", "percentage"),
    UPLIFT("uplift", "percent"),
    DISCOUNT("discount", "percent"),
    REPLACE_RI_DISCOUNT("replace_ri_discount", "purchased_by"),
    REPLACE_SP_DISCOUNT("replace_sp_discount", "purchased_by"),
    RERATE_TO_LIST("rerate_to_list"),
    REMOVE_FREE_TIER("remove_free_tier", "price_list"),
    CHARGE("charge", "amount", "percent_of_subtotal", "minimum", "frequency", "invoice"),
    CREDIT("credit", "amount", "percent_of_subtotal", "minimum", "frequency", "invoice");

    final String yamlName;
    final List<String> ownKeys;

    RuleKind(String yamlName, String... ownKeys) {
        this.yamlName = yamlName;
        this.ownKeys = List.of(ownKeys);
    }

    List<String> allowedKeys() {
        return Stream.concat(Keys.RULE_COMMON.stream(), ownKeys.stream()).toList();
    }

    static Optional<RuleKind> byYamlName(String name) {
        return Arrays.stream(values()).filter(k -> k.yamlName.equals(name)).findFirst();
    }

    static List<String> yamlNames() {
        return Arrays.stream(values()).map(k -> k.yamlName).toList();
    }

    /** Every key any rule may have, for a rule whose kind is missing or unknown. */
    static List<String> allRuleKeys() {
        return Stream.concat(Keys.RULE_COMMON.stream(), Arrays.stream(values()).flatMap(k -> k.ownKeys.stream()))
                .distinct().toList();
    }

    /** The kinds that take a key, for "does not apply to an uplift (only to adjustment)". */
    static List<String> kindsTaking(String key) {
        return Arrays.stream(values()).filter(k -> k.ownKeys.contains(key)).map(k -> k.yamlName).toList();
    }
}

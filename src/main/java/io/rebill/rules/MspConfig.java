package io.rebill.rules;

import io.rebill.shared.money.ExchangeRates;
import io.rebill.shared.time.BillingPeriod;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The whole billing configuration of one MSP (billing-as-code, msp.yaml): customers in claim order, rules,
 * workflows and their assignments over time; and the exchange rates of lines in other currencies (issue 13 item 6:
 * kept by the portal, written to msp.yaml as exchange_rates).
 */
public record MspConfig(String mspName, String currency, List<Customer> customers, List<Rule> rules,
                        List<Workflow> workflows, List<Assignment> assignments, ExchangeRates exchangeRates) {
    public MspConfig {
        Objects.requireNonNull(mspName, "mspName");
        Objects.requireNonNull(currency, "currency");
        customers = List.copyOf(customers);
        rules = List.copyOf(rules);
        workflows = List.copyOf(workflows);
        assignments = List.copyOf(assignments);
        exchangeRates = exchangeRates == null ? ExchangeRates.none(currency) : exchangeRates;
        if (!exchangeRates.currency().equals(currency)) {
            throw new IllegalArgumentException("exchange rates into " + exchangeRates.currency()
                    + " for an MSP billing in " + currency);
        }
    }

    /** A configuration without exchange rates: every line must be in {@code currency}. */
    public MspConfig(String mspName, String currency, List<Customer> customers, List<Rule> rules,
                     List<Workflow> workflows, List<Assignment> assignments) {
        this(mspName, currency, customers, rules, workflows, assignments, null);
    }

    public MspConfig withExchangeRates(ExchangeRates rates) {
        return new MspConfig(mspName, currency, customers, rules, workflows, assignments, rates);
    }

    public Map<String, Rule> rulesById() {
        return rules.stream().collect(Collectors.toMap(Rule::id, Function.identity()));
    }

    public Optional<Workflow> workflow(String id) {
        return workflows.stream().filter(w -> w.id().equals(id)).findFirst();
    }

    /** The workflow that applies to a customer in a period: its latest assignment starting on or before it. */
    public Optional<Workflow> workflowFor(String customerId, BillingPeriod period) {
        return assignments.stream()
                .filter(a -> a.customerId().equals(customerId) && a.from().compareTo(period) <= 0)
                .max(Comparator.comparing(Assignment::from))
                .flatMap(a -> workflow(a.workflowId()));
    }
}

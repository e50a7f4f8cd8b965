package io.rebill.billingconfig;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A change that would leave the billing configuration unusable: what msp.yaml's parser would report for the same
 * configuration, item by item. The message lists every problem, one a line.
 */
public final class InvalidBillingConfigException extends RebillException {
    private final transient List<BillingConfigProblem> problems;

    public InvalidBillingConfigException(List<BillingConfigProblem> problems) {
        super(ErrorCode.BAD_CONFIG, problems.stream().map(BillingConfigProblem::toString)
                .collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid configuration has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<BillingConfigProblem> problems() {
        return problems;
    }
}

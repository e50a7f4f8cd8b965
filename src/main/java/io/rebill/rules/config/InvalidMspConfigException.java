package io.rebill.rules.config;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A billing configuration that cannot be used. The message lists every problem found, one a line, in file order,
 * each starting {@code file:line:column: }; {@link #problems()} gives them one by one (for an editor to mark).
 */
public final class InvalidMspConfigException extends RebillException {
    private final transient List<ConfigProblem> problems;

    InvalidMspConfigException(List<ConfigProblem> problems) {
        super(ErrorCode.BAD_CONFIG, problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid configuration has at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}

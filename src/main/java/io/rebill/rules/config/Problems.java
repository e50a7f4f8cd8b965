package io.rebill.rules.config;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects what is wrong in one file, so that all of it is reported at once, in file order. */
final class Problems {
    private final String file;
    private final List<ConfigProblem> found = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    void add(Node at, String message) {
        add(at.getStartMark(), message);
    }

    void add(Mark at, String message) {
        // SnakeYAML counts from 0; editors and compilers count from 1
        at(at.getLine() + 1, at.getColumn() + 1, message);
    }

    void at(int line, int column, String message) {
        found.add(new ConfigProblem(file, line, column, message));
    }

    int size() {
        return found.size();
    }

    /** Throws when anything was found, first problem in the file first. */
    void throwIfAny() {
        if (!found.isEmpty()) {
            // a stable sort keeps two problems at one spot in the order they were found
            throw new InvalidMspConfigException(found.stream()
                    .sorted(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column))
                    .toList());
        }
    }
}

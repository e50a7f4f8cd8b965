package io.rebill.rules.config;

import java.util.Objects;

/** One thing wrong in a billing configuration file, at a 1-based line and column. */
public record ConfigProblem(String file, int line, int column, String message) {
    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based: " + line + ":" + column);
        }
    }

    /** The compiler-style form {@code msp.yaml:12:5: what is wrong; what is expected}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}

package io.rebill.shared.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Named SQL statements kept in a {@code .sql} resource next to the code that runs them (../shared/STYLE.md): each
 * statement starts with a line {@code -- name: <name>} and runs until the next such line. Parameters are always
 * bound by name ({@code :msp}), never concatenated.
 */
public final class SqlStatements {
    private static final String MARKER = "-- name:";
    private final String resource;
    private final Map<String, String> statements;

    private SqlStatements(String resource, Map<String, String> statements) {
        this.resource = resource;
        this.statements = statements;
    }

    /** Loads {@code resource} relative to {@code owner}'s package. */
    public static SqlStatements load(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            Objects.requireNonNull(in, () -> "missing SQL resource " + resource + " next to " + owner.getName());
            return new SqlStatements(resource, parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> parse(String text) {
        Map<String, String> statements = new LinkedHashMap<>();
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith(MARKER)) {
                if (name != null) {
                    statements.put(name, body.toString().strip());
                }
                name = line.substring(MARKER.length()).strip();
                body.setLength(0);
            } else if (name != null) {
                body.append(line).append('\n');
            }
        }
        if (name != null) {
            statements.put(name, body.toString().strip());
        }
        return Map.copyOf(statements);
    }

    public String get(String name) {
        String sql = statements.get(name);
        if (sql == null) {
            throw new IllegalArgumentException("no statement '" + name + "' in " + resource);
        }
        return sql;
    }
}

package io.rebill.demo.internal;

import io.rebill.shared.duckdb.DuckDb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SQL resource of this package with placeholders {@code ${name}} (replaced by a number) and {@code ${path:name}}
 * (replaced by a file path, escaped for a single-quoted literal). Only numbers and paths are ever substituted;
 * an unknown or missing placeholder is a programming error.
 */
final class SqlTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(path:)?([a-z0-9_]+)}");

    private final String name;
    private final String text;

    private SqlTemplate(String name, String text) {
        this.name = name;
        this.text = text;
    }

    static SqlTemplate load(String name) {
        try (InputStream in = SqlTemplate.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + name + " is missing next to " + SqlTemplate.class);
            }
            return new SqlTemplate(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL resource " + name, e);
        }
    }

    String render(Map<String, Long> numbers) {
        return render(numbers, Map.of());
    }

    String render(Map<String, Long> numbers, Map<String, Path> paths) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String key = m.group(2);
            String value;
            if (m.group(1) != null) {
                Path path = paths.get(key);
                if (path == null) {
                    throw new IllegalStateException(name + " needs path ${path:" + key + "}");
                }
                value = DuckDb.literal(path.toAbsolutePath().toString());
            } else {
                Long number = numbers.get(key);
                if (number == null) {
                    throw new IllegalStateException(name + " needs number ${" + key + "}");
                }
                value = Long.toString(number);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        return name;
    }
}

package io.rebill.shared.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where Rebill keeps its data and how much memory a DuckDB job may use. One setting decides the data folder:
 * {@code REBILL_HOME} (or {@code --data-dir}), default {@code ~/.rebill}.
 *
 * @param home         root of everything Rebill stores (line items, source state, embedded PostgreSQL)
 * @param memoryLimit  DuckDB {@code memory_limit} per job, e.g. {@code 1GB}; DuckDB spills to disk beyond it
 * @param threads      DuckDB worker threads per job
 */
public record RebillSettings(Path home, String memoryLimit, int threads) {
    public static final String DEFAULT_MEMORY_LIMIT = "1GB";

    public RebillSettings {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(memoryLimit, "memoryLimit");
        if (!memoryLimit.matches("\\d+(\\.\\d+)?\\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)")) {
            throw new IllegalArgumentException("memory limit '" + memoryLimit + "' must look like 1GB or 512MB");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        home = home.toAbsolutePath().normalize();
    }

    public static RebillSettings at(Path home) {
        return new RebillSettings(home, DEFAULT_MEMORY_LIMIT, Runtime.getRuntime().availableProcessors());
    }

    /** REBILL_HOME, else ~/.rebill; REBILL_MEMORY_LIMIT, else 1GB. */
    public static RebillSettings fromEnvironment(Map<String, String> env) {
        String home = env.get("REBILL_HOME");
        Path root = home == null || home.isBlank()
                ? Path.of(System.getProperty("user.home"), ".rebill")
                : Path.of(home);
        String memory = env.getOrDefault("REBILL_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT);
        return new RebillSettings(root, memory, Runtime.getRuntime().availableProcessors());
    }

    public RebillSettings withHome(Path newHome) {
        return new RebillSettings(newHome, memoryLimit, threads);
    }

    public Path sourcesDir() {
        return home.resolve("sources");
    }

    public Path tempDir() {
        return home.resolve("tmp");
    }
}

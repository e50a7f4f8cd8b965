package io.rebill.shared;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Work a fresh process can do on a background thread while it reads its inputs, instead of on the way of its first
 * real use: loading DuckDB's library, cel-java, the first rounding's classes (docs/benchmarks.md, "Billing in the
 * product"). Each piece of work runs once per process, on a daemon thread named after it, so it never keeps the
 * process alive.
 */
public final class WarmUp {
    private static final Set<String> STARTED = ConcurrentHashMap.newKeySet();

    private WarmUp() {
    }

    /** Starts {@code work} on a daemon thread called {@code name}, unless work of that name was started before. */
    public static void once(String name, Runnable work) {
        if (STARTED.add(name)) {
            Thread thread = new Thread(work, name);
            thread.setDaemon(true);
            thread.start();
        }
    }
}

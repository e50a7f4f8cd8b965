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
            daemon(name, work);
        }
    }

    /**
     * Starts {@code work} on a daemon thread called {@code name}, logging set up first on the calling thread: a class
     * of the work that takes its logger while the main thread is still setting logging up gets a stand-in, and SLF4J
     * then prints three lines of warning about replayed calls on stderr, in the middle of a command's output.
     */
    public static void daemon(String name, Runnable work) {
        org.slf4j.LoggerFactory.getILoggerFactory();
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }
}

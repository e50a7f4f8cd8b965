package io.rebill.shared.cache;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small cache that forgets the entry least recently used once it holds {@code capacity} entries; safe for
 * concurrent use (one lock). For figures keyed by what they were computed from (a stored generation, a run), which
 * never go stale, only out of use.
 */
public final class Lru {
    private Lru() {
    }

    public static <K, V> Map<K, V> of(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " must be at least 1");
        }
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }
}

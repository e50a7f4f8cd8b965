package io.rebill.demo.internal;

/**
 * 32-bit keys derived from the seed with the SplitMix64 finaliser; the SQL mixes row numbers with them. Keys of
 * the "entity" domain (accounts, SKUs, resources, commitments) do not depend on the period, so those stay the same
 * from month to month; period keys make each month's rows different.
 */
final class Keys {
    private Keys() {
    }

    static long entity(long seed, int stream) {
        return key(seed, stream);
    }

    static long period(long seed, int monthIndex, int stream) {
        return key(seed, 1_000_000L + monthIndex * 64L + stream);
    }

    static long key(long seed, long domain) {
        return mix64(seed + 0x9E3779B97F4A7C15L * (domain + 1)) & 0xFFFF_FFFFL;
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

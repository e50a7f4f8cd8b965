package io.rebill.shared.cache;

/**
 * A cache key by identity: this very instance, and no other, however equal. For what is derived from an immutable
 * value that a cache hands out again while its data is unchanged (a kept page of a list): the derived value is then
 * found without hashing or comparing the value's content (an invoice page's hundred invoices with their lines), and
 * a new instance, read because the data changed, never finds what was derived from the old one.
 */
public record Identity(Object value) {
    @Override
    public boolean equals(Object other) {
        return other instanceof Identity i && i.value == value;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(value);
    }
}

package io.rebill.shared.paging;

import java.util.List;
import java.util.function.Function;

/** One page of a listing: the items from {@code offset}, at most {@code limit}, of {@code total}. */
public record Page<T>(List<T> items, int offset, int limit, long total) {
    public static final int MAX_LIMIT = 200;

    public Page {
        items = List.copyOf(items);
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), offset, limit, total);
    }

    public boolean hasMore() {
        return offset + items.size() < total;
    }
}

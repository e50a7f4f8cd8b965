package io.rebill.web.portal;

import io.rebill.shared.paging.Page;

import java.util.List;
import java.util.Optional;

/** A page of a listing: items, where it starts, how many there are in all, and the query of the next page. */
public record PageJson<T>(List<T> items, int offset, int limit, long total, Optional<String> next) {
    public static <T> PageJson<T> of(Page<T> page, String path) {
        Optional<String> next = page.hasMore()
                ? Optional.of(path + "?offset=" + (page.offset() + page.items().size()) + "&limit=" + page.limit())
                : Optional.empty();
        return new PageJson<>(page.items(), page.offset(), page.limit(), page.total(), next);
    }
}

package io.rebill.shared.paging;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;
import java.util.function.Supplier;

/**
 * A page read in one statement that carries, on each of its rows, how many rows the listing has in all (a column
 * {@code total}, an uncorrelated subquery PostgreSQL computes once per statement; it was a second statement a
 * request). A page past the end has no row to carry it: then the same statement's first row gives the total (none:
 * the listing is empty).
 */
public final class CountedPages {
    private CountedPages() {
    }

    /** {@code statement} gives the statement with its other parameters bound; this binds {@code limit} and {@code offset}. */
    public static <T> Page<T> read(Supplier<JdbcClient.StatementSpec> statement, RowMapper<T> row, PageRequest page) {
        long[] total = {0};
        List<T> items = statement.get().param("limit", page.limit()).param("offset", page.offset()).query((rs, n) -> {
            total[0] = rs.getLong("total");
            return row.mapRow(rs, n);
        }).list();
        if (items.isEmpty() && page.offset() > 0) {
            total[0] = statement.get().param("limit", 1).param("offset", 0).query((rs, n) -> rs.getLong("total"))
                    .optional().orElse(0L);
        }
        return new Page<>(items, page.offset(), page.limit(), total[0]);
    }
}

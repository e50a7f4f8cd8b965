package io.rebill.tenancy;

import io.rebill.shared.cache.Lru;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Each MSP's customer accounts in the Managed Accounts list's order (case-blind name, then id), kept under the
 * version of its customer accounts ({@link ManagedListInputs#customers()}). A page is a slice of the kept list, and
 * its total the list's size: no statement, no sort, no count per request (at 1,000 accounts the pages past about 600
 * were sorted on every request, issue 14 item 11). Any change of a customer account raises the version in its own
 * transaction, whoever writes it, so the next request after the commit misses and reads the accounts again.
 *
 * <p>The key is the MSP and its version: one MSP's list is never served under another's. The accounts are read
 * after the version: a change committed in between is in a list kept under the older version, which only a request
 * that read that older version (it started before the change) can be given; a request after the change reads the new
 * version, so a list older than its version is never served.
 */
final class KeptCustomerAccounts {
    private record Key(UUID msp, long version) {
    }

    /** MSPs whose lists are kept at once (a few hundred bytes an account). */
    private static final int KEPT_LISTS = 32;

    private final JdbcClient jdbc;
    private final Map<Key, List<Account>> lists = Lru.of(KEPT_LISTS);

    KeptCustomerAccounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Page<Account> page(ManagedListInputs inputs, PageRequest page) {
        List<Account> all = all(inputs);
        int from = Math.min(page.offset(), all.size());
        int to = Math.min(all.size(), from + page.limit());
        return new Page<>(all.subList(from, to), page.offset(), page.limit(), all.size());
    }

    private List<Account> all(ManagedListInputs inputs) {
        Key key = new Key(inputs.msp(), inputs.customers());
        List<Account> kept = lists.get(key);
        if (kept != null) {
            return kept;
        }
        // two first requests may both read the accounts; both read the same version's rows (or newer), one is kept
        List<Account> read = List.copyOf(jdbc.sql(Accounts.SQL.get("managed-by-name")).param("msp", inputs.msp())
                .query(Accounts.ROW).list());
        lists.put(key, read);
        return read;
    }
}

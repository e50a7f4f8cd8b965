package io.rebill.linking;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.linking.internal.SeenAccounts;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.Page;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.sql.SqlStatements;
import io.rebill.shared.time.BillingPeriod;
import io.rebill.tenancy.Accounts;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Types;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Linking provider accounts to customers at the scale MSPs have them (issue 13 item 7): the accounts each of the
 * MSP's integrations saw in its latest period, with cost, payer mark and current customer, searched and paged on
 * the server; and linking or unlinking many at once (a selection, or every account a filter matches). Moving an
 * account away from another customer is refused unless the caller says {@code move}: the refusal names the
 * accounts and their customers. Everything is scoped by the MSP; the caller checks permissions, audits, and asks for
 * the bill run a change needs.
 */
public final class ProviderAccounts {
    private static final SqlStatements SQL = SqlStatements.load(ProviderAccounts.class, "/io/rebill/linking/linking.sql");
    private static final int MAX_NAMED = 10;

    private final Integrations integrations;
    private final Accounts accounts;
    private final Ingestion ingestion;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final SeenAccounts seen;

    public ProviderAccounts(Integrations integrations, Accounts accounts, Ingestion ingestion, JdbcClient jdbc,
                            TransactionTemplate tx) {
        this.integrations = integrations;
        this.accounts = accounts;
        this.ingestion = ingestion;
        this.jdbc = jdbc;
        this.tx = tx;
        this.seen = new SeenAccounts(ingestion.settings());
    }

    /** Which accounts a change is for: the ones named, or every one the filter matches. */
    public sealed interface Selection {
        record Named(List<String> subAccountIds) implements Selection {
        }

        record Matching(PickerFilter filter) implements Selection {
        }
    }

    public record Change(int changed, int moved, int unchanged, BillingPeriod from, List<String> subAccountIds) {
    }

    /** Every provider account of the MSP's integrations, as the picker for {@code customer} filters it. */
    public Page<ProviderAccount> search(UUID msp, UUID customer, PickerFilter filter, PageRequest page) {
        accounts.managed(msp, customer);
        List<ProviderAccount> all = all(msp, filter.integration()).stream().filter(a -> filter.matches(a, customer))
                .toList();
        int from = Math.min(page.offset(), all.size());
        int to = Math.min(all.size(), from + page.limit());
        return new Page<>(all.subList(from, to), page.offset(), page.limit(), all.size());
    }

    /**
     * The provider accounts one integration saw in its latest period (none before its first ingest), ordered by id,
     * each with the customer it is billed to then: the linked-accounts list of the integration's API. The accounts and
     * costs come from the per-generation cache ({@link SeenAccounts}), the assignments are read now.
     */
    public List<ProviderAccount> seen(UUID msp, UUID integration) {
        return all(msp, Optional.of(integration));
    }

    /**
     * Everything an integration's linked accounts ({@link #seen} and the integration's assignments with their
     * customers' names) are made of, as of now: two answers with equal versions are equal, so a caller may keep one
     * under it (issue 14 item 11). The MSP's assignments and customer names each have a counter that a trigger raises
     * in the transaction of every change (migrations V2026_12_08_0100 and V2026_12_09_0200), read by their keys in one
     * statement; the provider accounts seen are those of the latest stored period's generation, never reused by a
     * later ingest. Read this before the answer it versions: an answer built after a change is then at worst kept
     * under the version before it, which only requests begun before that change are given.
     */
    public record SeenVersion(UUID msp, UUID integration, long assignments, long customerNames,
                              Optional<String> latestPeriod, Optional<String> generation) {
    }

    /** The version of one integration's linked accounts (UNKNOWN_ID for an integration the MSP does not own). */
    public SeenVersion version(UUID msp, UUID integration) {
        Integration i = integrations.find(msp, integration);
        Optional<StoredPeriod> latest = latest(i);
        return jdbc.sql(SQL.get("linked-accounts-version")).param("msp", msp).query((rs, n) -> new SeenVersion(msp,
                i.id(), rs.getLong("assignments"), rs.getLong("customer_names"),
                latest.map(p -> p.period().toString()), latest.map(StoredPeriod::generation))).single();
    }

    /** The latest period an integration holds, when it holds any: links made from the picker start there. */
    public Optional<BillingPeriod> latestPeriod(UUID msp, UUID integration) {
        return latest(integrations.find(msp, integration)).map(StoredPeriod::period);
    }

    /**
     * Bills the selected accounts of {@code integration} to {@code customer} from {@code from} on. Accounts billed
     * to another customer in that period are moved only when {@code move}; without it nothing changes and the
     * error names them and their customers.
     */
    public Change link(UUID msp, UUID customer, UUID integration, Selection selection, Optional<BillingPeriod> from,
                       boolean move, String createdBy) {
        accounts.managed(msp, customer);
        Integration i = integrations.find(msp, integration);
        BillingPeriod period = from.orElseGet(() -> latest(i).map(StoredPeriod::period).orElseThrow(() -> noData(i)));
        List<String> subs = selected(msp, customer, i, selection);
        Map<String, UUID> owners = ownersOf(msp, i.id(), period);
        List<String> others = subs.stream().filter(s -> owners.containsKey(s) && !owners.get(s).equals(customer)).toList();
        if (!others.isEmpty() && !move) {
            Map<UUID, String> names = customerNames(msp);
            List<String> named = others.stream().limit(MAX_NAMED).map(s -> s + " (billed to " + names.get(owners.get(s)) + ")")
                    .toList();
            throw new RebillException(ErrorCode.IN_USE, others.size() + " of the selected provider accounts are billed"
                    + " to another customer in " + period + ": " + String.join(", ", named)
                    + (others.size() > MAX_NAMED ? " and " + (others.size() - MAX_NAMED) + " more" : "")
                    + "; confirm the move (\"move\": true) to bill them to " + accounts.managed(msp, customer).name());
        }
        List<String> changed = subs.stream().filter(s -> !customer.equals(owners.get(s))).toList();
        write(msp, i.id(), changed, period, Optional.of(customer), createdBy);
        return new Change(changed.size(), others.size(), subs.size() - changed.size(), period, changed);
    }

    /** Stops billing the selected accounts that are billed to {@code customer} from {@code from} on. */
    public Change unlink(UUID msp, UUID customer, UUID integration, Selection selection, Optional<BillingPeriod> from,
                         String createdBy) {
        accounts.managed(msp, customer);
        Integration i = integrations.find(msp, integration);
        BillingPeriod period = from.orElseGet(() -> latest(i).map(StoredPeriod::period).orElseThrow(() -> noData(i)));
        List<String> subs = selected(msp, customer, i, selection);
        Map<String, UUID> owners = ownersOf(msp, i.id(), period);
        List<String> changed = subs.stream().filter(s -> customer.equals(owners.get(s))).toList();
        write(msp, i.id(), changed, period, Optional.empty(), createdBy);
        return new Change(changed.size(), 0, subs.size() - changed.size(), period, changed);
    }

    private List<String> selected(UUID msp, UUID customer, Integration i, Selection selection) {
        List<String> subs = switch (selection) {
            case Selection.Named named -> named.subAccountIds() == null ? List.of() : named.subAccountIds().stream()
                    .map(s -> s == null ? "" : s.strip()).toList();
            case Selection.Matching matching -> all(msp, Optional.of(i.id())).stream()
                    .filter(a -> matching.filter().matches(a, customer)).map(ProviderAccount::subAccountId).toList();
        };
        if (subs.isEmpty()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "no provider accounts selected");
        }
        for (String s : subs) {
            if (!s.matches("[A-Za-z0-9._:/-]{1,128}")) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "sub_account_id '" + s
                        + "' is not a provider account id (letters, digits, . _ : / -)");
            }
        }
        return List.copyOf(new LinkedHashSet<>(subs));
    }

    private void write(UUID msp, UUID integration, List<String> subs, BillingPeriod from, Optional<UUID> customer,
                       String createdBy) {
        if (subs.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(s -> jdbc.sql(SQL.get("link-many")).param("msp", msp).param("integration", integration)
                .param("subs", String.join(",", subs)).param("from", from.toString())
                .param("customer", customer.orElse(null), Types.OTHER).param("createdBy", createdBy).update());
    }

    /** Who each account of one integration is billed to in {@code period}: its latest assignment not after it. */
    private Map<String, UUID> ownersOf(UUID msp, UUID integration, BillingPeriod period) {
        Map<String, io.rebill.tenancy.LinkedAccount> latest = new HashMap<>();
        integrations.linkedAccounts(msp, integration).stream().filter(l -> l.from().compareTo(period) <= 0)
                .sorted(Comparator.comparing(io.rebill.tenancy.LinkedAccount::from))
                .forEach(l -> latest.put(l.subAccountId(), l));
        Map<String, UUID> owners = new HashMap<>();
        latest.forEach((sub, l) -> l.customerId().ifPresent(c -> owners.put(sub, c)));
        return owners;
    }

    private List<ProviderAccount> all(UUID msp, Optional<UUID> only) {
        Map<UUID, String> names = customerNames(msp);
        List<ProviderAccount> out = new ArrayList<>();
        List<Integration> list = only.isPresent() ? List.of(integrations.find(msp, only.get())) : integrations.of(msp);
        for (Integration i : list) {
            Optional<StoredPeriod> latest = latest(i);
            if (latest.isEmpty()) {
                continue;
            }
            BillingPeriod period = latest.get().period();
            Map<String, UUID> owners = ownersOf(msp, i.id(), period);
            for (SeenAccounts.Seen s : seen.of(i.sourceName(), period, latest.get().generation(),
                    ingestion.lineItemFiles(i.sourceName(), period))) {
                Optional<UUID> owner = Optional.ofNullable(owners.get(s.subAccountId()));
                // the provider's name where the export has one (CUR, FOCUS, Azure, Google Cloud); files stored before
                // names were kept have none
                out.add(new ProviderAccount(i.id(), i.name(), s.subAccountId(), Optional.ofNullable(s.name())
                        .filter(n -> !n.isBlank()), s.payer(),
                        period.toString(), s.cost(), s.currency(), owner, owner.map(names::get)));
            }
        }
        return out;
    }

    private Map<UUID, String> customerNames(UUID msp) {
        Map<UUID, String> names = new HashMap<>();
        jdbc.sql(SQL.get("customer-names")).param("msp", msp).query((rs, n) -> names.put(
                rs.getObject("id", UUID.class), rs.getString("name"))).list();
        return names;
    }

    private Optional<StoredPeriod> latest(Integration i) {
        return ingestion.find(i.sourceName()).flatMap(s -> s.periods().stream()
                .max(Comparator.comparing(StoredPeriod::period)));
    }

    private static RebillException noData(Integration i) {
        return new RebillException(ErrorCode.BAD_ARGUMENT, "integration " + i.name() + " holds no billing data yet;"
                + " ingest its files first or name the period to link from");
    }

}

package io.rebill.rules;

import io.rebill.shared.time.BillingPeriod;

import java.sql.Connection;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the rating of one period leaves for its bill to be assembled from (spec §3-4), in the run's own DuckDB
 * connection and valid while the run lasts (see {@link BillAssembler}):
 * <ul>
 *   <li>the temp table {@code bill_groups}: per customer (NULL: unassigned), billing and usage account, service,
 *   currency and exclusion, and {@code claimed_twice} (the claimants when more than one customer claims the lines),
 *   the number of lines ({@code lines}) and the sums of {@code cost}, {@code charge}, {@code billed_cost},
 *   {@code effective_cost} and {@code list_cost}. When the run read its line counts and billed cost from the stored
 *   files' account sums (ingestion's {@code AccountSums}), its groups of lines have {@code lines} 0 and
 *   {@code billed_cost} NULL, and each account has one more row, excluded, with no service and no cost or charge,
 *   that carries them: read {@code lines} and {@code billed_cost} summed per account, customer or coarser, never
 *   per service;</li>
 *   <li>the temp table {@code extra}: the charges and credits per customer ({@code customer_id, rule_id, title, kind}
 *   ('charge' or 'credit'), {@code service, category, sub_category, amount} (signed), {@code position});</li>
 *   <li>{@code ingested}: the period's stored lines before any claim or rule, as the rest of a {@code SELECT ... FROM}
 *   with its parameters, whose sums are what the bill reconciles against.</li>
 * </ul>
 *
 * @param workflowIds every configured customer in configuration order with the workflow it is billed under
 * @param lines       how many line items the run rated
 * @param started     when the run started, for its duration
 */
public record RatedPeriod(Connection duck, MspConfig config, BillingPeriod period,
                          Map<String, Optional<String>> workflowIds, long lines, List<String> warnings,
                          Instant started, Lines ingested) {
    public RatedPeriod {
        Objects.requireNonNull(duck, "duck");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(period, "period");
        workflowIds = Collections.unmodifiableMap(new LinkedHashMap<>(workflowIds));
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(ingested, "ingested");
    }

    /** The rest of a {@code SELECT ... FROM} (a table, or a relation with its WHERE) and its parameters in order. */
    public record Lines(String from, List<Object> params) {
        public Lines {
            Objects.requireNonNull(from, "from");
            params = List.copyOf(params);
        }
    }
}

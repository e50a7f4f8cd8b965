package io.rebill.web.portal;

import io.rebill.shared.cache.Lru;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Answers of the portal's dearest lists as the JSON sent, kept under their version: a record of everything the
 * answer is made of, read on every request before it (issue 14 item 11, docs/benchmarks.md). Used by
 * {@code GET /api/v1/integrations/{id}/linked_accounts} ({@link io.rebill.linking.ProviderAccounts.SeenVersion}: at
 * 1,000 linked accounts 2,000 objects and 327 KB, rebuilt from three 1,000-row reads on every request, 8.6-11.5 ms of
 * server CPU) and by the Managed Accounts list ({@code ManagedAccountsApi.ListVersion}: the page, the MSP's customer
 * accounts' counter and the tracked spend's version). A change of any input gives a new version at the next request,
 * so a kept answer never stands for data that changed; every version record holds the MSP, so one MSP's answer is
 * never another's, and each endpoint's versions are a record type of its own, so two endpoints never share a key.
 *
 * <p>Kept in memory, least recently used first: a restart costs one build per answer.
 */
@Component
class KeptAnswers {
    private static final int KEPT = 64;

    private final JsonMapper json;
    private final Map<Record, byte[]> kept = Lru.of(KEPT);

    KeptAnswers(JsonMapper json) {
        this.json = json;
    }

    /** The kept JSON of {@code version}, or {@code build}'s written with the API's JSON settings and kept. */
    byte[] answer(Record version, Supplier<Object> build) {
        byte[] answer = kept.get(version);
        if (answer == null) {
            // two first requests of a version may both build it; both are equal, one is kept
            answer = json.writeValueAsBytes(build.get());
            kept.put(version, answer);
        }
        return answer;
    }
}

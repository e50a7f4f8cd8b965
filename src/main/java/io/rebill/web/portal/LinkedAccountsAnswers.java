package io.rebill.web.portal;

import io.rebill.linking.ProviderAccounts;
import io.rebill.shared.cache.Lru;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The answers of {@code GET /api/v1/integrations/{id}/linked_accounts} as the JSON sent, kept under their version
 * ({@link ProviderAccounts.SeenVersion}: the MSP, the integration, the counters of the MSP's assignments and customer
 * names, the latest stored period's generation). At 1,000 linked accounts the answer is 2,000 objects and 327 KB:
 * reading the assignments twice and the customer names, mapping them and writing the JSON was 11.5 ms of server CPU
 * a request (docs/benchmarks.md, issue 14 item 11), the dearest list of the portal. A change of any input gives a new
 * version at the next request, so a kept answer never stands for data that changed; the MSP is part of the key, so
 * one MSP's answer is never another's.
 *
 * <p>Kept in memory, a few answers (one per integration someone is linking in), least recently used first: a
 * restart costs one build.
 */
@Component
class LinkedAccountsAnswers {
    private static final int KEPT = 16;

    private final JsonMapper json;
    private final Map<ProviderAccounts.SeenVersion, byte[]> kept = Lru.of(KEPT);

    LinkedAccountsAnswers(JsonMapper json) {
        this.json = json;
    }

    /** The kept JSON of {@code version}, or {@code build}'s written with the API's JSON settings and kept. */
    byte[] answer(ProviderAccounts.SeenVersion version, Supplier<Object> build) {
        byte[] answer = kept.get(version);
        if (answer == null) {
            // two first requests of a version may both build it; both are equal, one is kept
            answer = json.writeValueAsBytes(build.get());
            kept.put(version, answer);
        }
        return answer;
    }
}

package io.rebill.web;

import io.rebill.web.PortalClient.Response;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Small steps the API tests share: an answer that must be 2xx or 201, and a JSON body written as key, value, ... */
public final class ApiSteps {
    private ApiSteps() {
    }

    /** The body of a 2xx answer; anything else fails with the answer's text. */
    public static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.text()).isBetween(200, 299);
        return r.body();
    }

    public static Response created(Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r;
    }

    /** An ordered map of keys and values (Map.of allows neither order nor more than ten pairs). */
    public static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}

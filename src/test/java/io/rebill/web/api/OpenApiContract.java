package io.rebill.web.api;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI document as tests read it: its operations, and a check that an answer of the application (status and
 * body) is one the document describes for that operation, with a body that validates against the documented schema.
 */
final class OpenApiContract {
    private static final String BASE = "https://rebill.invalid/openapi.json";

    final OpenApiDocument document;
    private final SchemaRegistry registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    OpenApiContract() {
        JsonMapper json = JsonMapper.builder().build();
        document = OpenApiDocument.load(json);
        String text = json.writeValueAsString(document.json());
        registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemas(Map.of(BASE, text)));
    }

    /** "GET /api/v1/users/{id}" for every operation of the document. */
    Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        document.operations().forEach(op -> routes.add(op.key()));
        return routes;
    }

    JsonNode operation(String method, String path) {
        return document.json().path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
    }

    /**
     * Problems of one answer against the document: an undocumented status, or a JSON body that does not validate
     * against the schema documented for that status. Empty when the answer is as documented.
     */
    Optional<String> check(String method, String path, int status, JsonNode body) {
        JsonNode responses = operation(method, path).path("responses");
        String code = Integer.toString(status);
        if (!responses.has(code)) {
            return Optional.of(method + " " + path + " answered " + status + ", which the document does not list"
                    + " (it lists " + names(responses) + ")");
        }
        String pointer = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT) + "/responses/" + code;
        JsonNode response = document.json().at(pointer);
        while (response.has("$ref")) {
            pointer = response.get("$ref").asString().substring(1);
            response = document.json().at(pointer);
        }
        JsonNode content = response.path("content");
        if (content.isMissingNode() || body == null) {
            return content.isMissingNode() && body != null && !body.isMissingNode()
                    ? Optional.of(method + " " + path + " " + status + " has a body the document does not describe")
                    : Optional.empty();
        }
        String type = content.propertyNames().iterator().next();
        Schema schema = schemas.computeIfAbsent(pointer + "/content/" + escape(type) + "/schema",
                p -> registry.getSchema(SchemaLocation.of(BASE + "#" + p)));
        var errors = schema.validate(body);
        return errors.isEmpty() ? Optional.empty() : Optional.of(method + " " + path + " " + status
                + " does not match the document: " + errors.stream().map(Error::toString).toList());
    }

    private static String names(JsonNode node) {
        return String.join(", ", node.propertyNames());
    }

    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}

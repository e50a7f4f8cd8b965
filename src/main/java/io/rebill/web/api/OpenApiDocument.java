package io.rebill.web.api;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The API's OpenAPI 3.1 document, hand-written in {@value #RESOURCE} (YAML for people, its anchors expanded) and
 * served as JSON. Hand-written rather than generated: the descriptions carry the seed's permissions and the
 * tenant rules, and a test keeps it equal to the application's routes (OpenApiDocumentTest).
 */
public final class OpenApiDocument {
    public static final String RESOURCE = "openapi/rebill-v1.yaml";
    public static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private final JsonNode document;

    private OpenApiDocument(JsonNode document) {
        this.document = document;
    }

    public static OpenApiDocument load(JsonMapper json) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            return new OpenApiDocument(json.valueToTree(yaml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode json() {
        return document;
    }

    /** One operation of the document: {@code GET /api/v1/users/{id}} and what the page shows of it. */
    public record Operation(String method, String path, String tag, String operationId, String summary,
                            String description, String permission, List<Field> parameters, Optional<String> body,
                            List<Field> bodyFields, List<Field> responses) {
        public String key() {
            return method.toUpperCase(Locale.ROOT) + " " + path;
        }
    }

    /** A named line of the page: a parameter, a body field or a response. */
    public record Field(String name, String type, boolean required, String description) {
    }

    public List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            JsonNode item = path.getValue();
            for (Map.Entry<String, JsonNode> entry : item.properties()) {
                if (!METHODS.contains(entry.getKey())) {
                    continue;
                }
                JsonNode op = entry.getValue();
                List<Field> parameters = new ArrayList<>();
                item.path("parameters").forEach(p -> parameters.add(parameter(resolve(p))));
                op.path("parameters").forEach(p -> parameters.add(parameter(resolve(p))));
                JsonNode bodySchema = resolve(op.path("requestBody")).path("content").path("application/json")
                        .path("schema");
                Optional<String> body = bodySchema.isMissingNode() ? Optional.empty()
                        : Optional.of(refName(bodySchema));
                List<Field> bodyFields = bodySchema.isMissingNode() ? List.of() : fields(resolve(bodySchema));
                List<Field> responses = new ArrayList<>();
                for (Map.Entry<String, JsonNode> r : op.path("responses").properties()) {
                    JsonNode response = resolve(r.getValue());
                    JsonNode schema = response.path("content").isEmpty() ? null
                            : response.path("content").values().iterator().next().path("schema");
                    responses.add(new Field(r.getKey(), schema == null ? "" : refName(schema), false,
                            response.path("description").asString("")));
                }
                String tag = op.path("tags").path(0).asString("Other");
                operations.add(new Operation(entry.getKey().toUpperCase(Locale.ROOT), path.getKey(), tag,
                        op.path("operationId").asString(""), op.path("summary").asString(""),
                        op.path("description").asString(""), op.path("x-rebill-permission").asString(""),
                        parameters, body, bodyFields, responses));
            }
        }
        return operations;
    }

    /** Follows a local {@code $ref} ({@code #/components/...}); anything else is returned as it is. */
    public JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; hops < 10 && current.has("$ref"); hops++) {
            String ref = current.get("$ref").asString();
            if (!ref.startsWith("#/")) {
                return current;
            }
            current = document.at(ref.substring(1));
        }
        return current;
    }

    private Field parameter(JsonNode p) {
        return new Field(p.path("name").asString() + " (" + p.path("in").asString() + ")", type(p.path("schema")),
                p.path("required").asBoolean(false), p.path("description").asString(""));
    }

    private List<Field> fields(JsonNode schema) {
        List<Field> fields = new ArrayList<>();
        Set<String> required = new java.util.HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asString()));
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            JsonNode property = p.getValue();
            fields.add(new Field(p.getKey(), type(property), required.contains(p.getKey()),
                    resolve(property).path("description").asString("")));
        }
        return fields;
    }

    private String type(JsonNode schema) {
        if (schema.has("$ref")) {
            return refName(schema);
        }
        JsonNode type = schema.path("type");
        String text;
        if (type.isArray()) {
            List<String> names = new ArrayList<>();
            type.forEach(t -> names.add(t.asString()));
            text = String.join(" | ", names);
        } else {
            text = type.asString("");
        }
        if ("array".equals(text)) {
            text = "array of " + type(schema.path("items"));
        }
        if (schema.has("format")) {
            text += " (" + schema.get("format").asString() + ")";
        }
        if (schema.has("enum")) {
            List<String> values = new ArrayList<>();
            Iterator<JsonNode> it = schema.get("enum").values().iterator();
            it.forEachRemaining(v -> values.add(v.isNull() ? "null" : v.asString()));
            text += ": " + String.join(", ", values);
        }
        return text;
    }

    private String refName(JsonNode schema) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asString();
            return ref.substring(ref.lastIndexOf('/') + 1);
        }
        return type(schema);
    }
}

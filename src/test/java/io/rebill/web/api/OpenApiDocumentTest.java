package io.rebill.web.api;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written OpenAPI document is well-formed OpenAPI 3.1 and keeps the API's rules: every $ref resolves,
 * every schema is valid JSON Schema 2020-12, path templates and path parameters agree, fields are snake_case,
 * request bodies reject unknown fields, and every operation lists the errors it can answer. That it names exactly
 * the application's routes is checked against the running application (ApiContractTest).
 */
class OpenApiDocumentTest {
    private static final Pattern TEMPLATE = Pattern.compile("\\{([^}]+)}");
    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9_]*");

    private final OpenApiContract contract = new OpenApiContract();
    private final JsonNode doc = contract.document.json();

    @Test
    void theTopLevelIsOpenApi31() {
        assertThat(doc.path("openapi").asString()).startsWith("3.1.");
        assertThat(doc.path("info").path("title").asString()).isNotBlank();
        assertThat(doc.path("info").path("version").asString()).isEqualTo("v1");
        assertThat(doc.path("paths").isObject()).isTrue();
        assertThat(doc.path("components").path("securitySchemes").propertyNames())
                .contains("bearerToken", "sessionCookie", "csrfHeader");
        Set<String> allowed = Set.of("openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks",
                "components", "security", "tags", "externalDocs");
        assertThat(doc.propertyNames()).allMatch(k -> allowed.contains(k) || k.startsWith("x-"));
    }

    @Test
    void everyReferenceResolves() {
        List<String> broken = new ArrayList<>();
        walk(doc, "", (pointer, node) -> {
            if (node.has("$ref")) {
                String ref = node.get("$ref").asString();
                if (!ref.startsWith("#/") || doc.at(ref.substring(1)).isMissingNode()) {
                    broken.add(pointer + " -> " + ref);
                }
            }
        });
        assertThat(broken).isEmpty();
    }

    @Test
    void everyOperationIsComplete() {
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> tags = new HashSet<>();
        doc.path("tags").forEach(t -> tags.add(t.path("name").asString()));
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            if (!path.getKey().startsWith("/api/v1/")) {
                problems.add(path.getKey() + ": paths start with /api/v1/");
            }
            for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
                if (entry.getKey().equals("parameters")) {
                    continue;
                }
                String where = entry.getKey().toUpperCase() + " " + path.getKey();
                if (!OpenApiDocument.METHODS.contains(entry.getKey())) {
                    problems.add(where + ": not an HTTP method");
                    continue;
                }
                JsonNode op = entry.getValue();
                if (!ids.add(op.path("operationId").asString(""))) {
                    problems.add(where + ": operationId missing or used twice");
                }
                if (op.path("summary").asString("").isBlank()) {
                    problems.add(where + ": no summary");
                }
                if (!tags.contains(op.path("tags").path(0).asString(""))) {
                    problems.add(where + ": its tag is not among the document's tags");
                }
                boolean open = op.has("security") && op.get("security").isEmpty();
                if (!open && op.path("x-rebill-permission").asString("").isBlank()) {
                    problems.add(where + ": x-rebill-permission does not say who may call it");
                }
                JsonNode responses = op.path("responses");
                if (responses.isEmpty()) {
                    problems.add(where + ": no responses");
                }
                for (Map.Entry<String, JsonNode> r : responses.properties()) {
                    if (!r.getKey().matches("[1-5][0-9]{2}|default")) {
                        problems.add(where + ": response key " + r.getKey());
                    }
                    if (contract.document.resolve(r.getValue()).path("description").asString("").isBlank()) {
                        problems.add(where + " " + r.getKey() + ": no description");
                    }
                }
                List<String> needed = new ArrayList<>();
                if (!open) {
                    needed.addAll(List.of("401", "403"));
                }
                if (op.has("requestBody") || (!entry.getKey().equals("get") && !entry.getKey().equals("delete"))) {
                    needed.add("413");
                }
                if (op.has("requestBody")) {
                    needed.add("400");
                }
                if (path.getKey().contains("{")) {
                    needed.addAll(List.of("400", "404"));
                }
                needed.stream().filter(s -> !responses.has(s)).distinct()
                        .forEach(s -> problems.add(where + ": does not document " + s));
                problems.addAll(pathParameters(where, path.getKey(), path.getValue(), op));
            }
        }
        assertThat(problems).isEmpty();
    }

    private List<String> pathParameters(String where, String path, JsonNode item, JsonNode op) {
        Set<String> inTemplate = new HashSet<>();
        Matcher m = TEMPLATE.matcher(path);
        while (m.find()) {
            inTemplate.add(m.group(1));
        }
        Set<String> declared = new HashSet<>();
        List<String> problems = new ArrayList<>();
        List<JsonNode> parameters = new ArrayList<>();
        item.path("parameters").forEach(parameters::add);
        op.path("parameters").forEach(parameters::add);
        for (JsonNode p : parameters) {
            JsonNode parameter = contract.document.resolve(p);
            if (!Set.of("path", "query", "header", "cookie").contains(parameter.path("in").asString(""))) {
                problems.add(where + ": parameter " + parameter.path("name") + " has no valid 'in'");
            }
            if (parameter.path("in").asString().equals("path")) {
                declared.add(parameter.path("name").asString());
                if (!parameter.path("required").asBoolean(false)) {
                    problems.add(where + ": path parameter " + parameter.path("name") + " must be required");
                }
            }
            if (!parameter.has("schema")) {
                problems.add(where + ": parameter " + parameter.path("name") + " has no schema");
            }
        }
        if (!declared.equals(inTemplate)) {
            problems.add(where + ": path parameters " + declared + " differ from the template's " + inTemplate);
        }
        return problems;
    }

    @Test
    void everySchemaIsJsonSchema2020() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema meta = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> schema : doc.path("components").path("schemas").properties()) {
            for (Error error : meta.validate(schema.getValue())) {
                problems.add(schema.getKey() + ": " + error);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void fieldsAreSnakeCaseAndRequestBodiesRejectUnknownFields() {
        List<String> problems = new ArrayList<>();
        walk(doc.path("components").path("schemas"), "/components/schemas", (pointer, node) -> {
            if (node.path("properties").isObject() && !pointer.endsWith("/properties")) {
                node.path("properties").propertyNames().stream().filter(n -> !SNAKE.matcher(n).matches())
                        .forEach(n -> problems.add(pointer + ": field '" + n + "' is not snake_case"));
            }
        });
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            // a file upload's body is the file, not JSON: only JSON bodies have fields to reject
            path.getValue().properties().stream().filter(e -> e.getValue().has("requestBody"))
                    .filter(e -> e.getValue().path("requestBody").path("content").has("application/json")).forEach(e -> {
                JsonNode schema = contract.document.resolve(e.getValue().path("requestBody").path("content")
                        .path("application/json").path("schema"));
                if (!schema.path("additionalProperties").isBoolean() || schema.path("additionalProperties").asBoolean()) {
                    problems.add(e.getKey() + " " + path.getKey() + ": the body schema must say additionalProperties:"
                            + " false (the API rejects unknown fields)");
                }
            });
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theProblemSchemaCarriesTheCode() {
        JsonNode problem = doc.at("/components/schemas/Problem");
        assertThat(problem.path("required").valueStream().map(JsonNode::asString)).contains("code", "status", "detail");
        assertThat(contract.check("GET", "/api/v1/users/{id}", 404, doc.at("/components/responses/BadRequest/content")
                .path("application/problem+json").path("example"))).isEmpty();
        // and the check does reject what the document does not describe
        JsonNode notAUser = tools.jackson.databind.json.JsonMapper.builder().build().readTree("{\"id\": 5}");
        assertThat(contract.check("GET", "/api/v1/users/{id}", 200, notAUser)).isPresent();
        assertThat(contract.check("GET", "/api/v1/users/{id}", 418, notAUser)).isPresent();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema meta = registry.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        assertThat(meta.validate(tools.jackson.databind.json.JsonMapper.builder().build()
                .readTree("{\"type\": \"strin\"}"))).isNotEmpty();
    }

    private interface Visitor {
        void visit(String pointer, JsonNode node);
    }

    private static void walk(JsonNode node, String pointer, Visitor visitor) {
        if (node.isObject()) {
            visitor.visit(pointer, node);
            node.properties().forEach(e -> walk(e.getValue(), pointer + "/" + OpenApiContract.escape(e.getKey()), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visitor);
            }
        }
    }
}

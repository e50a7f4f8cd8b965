package io.rebill.web.api;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API's description, open without signing in: the OpenAPI document for tools at {@code /api/v1/openapi.json},
 * and the same operations as a plain page at {@code /api/docs} (server-rendered; no scripts, nothing from a CDN).
 */
@Controller
class ApiDocsController {
    private final OpenApiDocument document;

    ApiDocsController(JsonMapper json) {
        this.document = OpenApiDocument.load(json);
    }

    @GetMapping(value = "/api/v1/openapi.json", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JsonNode> openApi() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(document.json());
    }

    @GetMapping("/api/docs")
    String page(Model model) {
        Map<String, List<OpenApiDocument.Operation>> byTag = new LinkedHashMap<>();
        document.json().path("tags").forEach(t -> byTag.put(t.path("name").asString(), new java.util.ArrayList<>()));
        for (OpenApiDocument.Operation op : document.operations()) {
            byTag.computeIfAbsent(op.tag(), t -> new java.util.ArrayList<>()).add(op);
        }
        byTag.values().removeIf(List::isEmpty);
        model.addAttribute("info", document.json().path("info"));
        // the description is Markdown for tools; the page shows its paragraphs as plain text
        model.addAttribute("paragraphs", List.of(document.json().path("info").path("description").asString("")
                .replace("*", "").replace("`", "").strip().split("\\n\\s*\\n")));
        model.addAttribute("byTag", byTag);
        return "api-docs";
    }
}

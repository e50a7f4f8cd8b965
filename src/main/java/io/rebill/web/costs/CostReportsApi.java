package io.rebill.web.costs;

import io.rebill.costs.CostReports;
import io.rebill.costs.ReportData;
import io.rebill.costs.ReportDefinition;
import io.rebill.costs.SavedReport;
import io.rebill.identity.Actor;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Saved cost reports (issue 12 item 2): CRUD and their figures, as JSON or CSV. A customer account's reports show
 * its charge only; the MSP's may show cost, charge or margin. A report id of another account answers 404 naming it.
 */
@RestController
@RequestMapping("/api/v1/cost_reports")
class CostReportsApi {
    private final CostReports reports;

    CostReportsApi(CostReports reports) {
        this.reports = reports;
    }

    @GetMapping
    List<Map<String, Object>> list(Actor actor) {
        return reports.list(actor).stream().map(CostReportsApi::json).toList();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(Actor actor, @RequestBody JsonNode body) {
        return json(reports.create(actor, known(body, FIELDS).path("title").asString(""),
                ReportDefinition.fromJson(body, !actor.account().isMsp())));
    }

    @GetMapping("/{id}")
    Map<String, Object> get(Actor actor, @PathVariable UUID id) {
        return json(reports.get(actor, id));
    }

    @PutMapping("/{id}")
    Map<String, Object> update(Actor actor, @PathVariable UUID id, @RequestBody JsonNode body) {
        return json(reports.update(actor, id, known(body, FIELDS).path("title").asString(""),
                ReportDefinition.fromJson(body, !actor.account().isMsp())));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        reports.delete(actor, id);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{id}/data")
    Map<String, Object> data(Actor actor, @PathVariable UUID id) {
        return dataJson(reports.data(actor, id));
    }

    @GetMapping("/{id}/csv")
    ResponseEntity<byte[]> csv(Actor actor, @PathVariable UUID id) {
        SavedReport report = reports.get(actor, id);
        String csv = reports.csv(reports.data(actor, id));
        String file = report.title().replaceAll("[^A-Za-z0-9 _-]", "").strip().replace(' ', '-');
        return ResponseEntity.ok().contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\""
                        + (file.isEmpty() ? "cost-report" : file) + ".csv\"")
                .body(csv.getBytes(StandardCharsets.UTF_8));
    }

    private static final java.util.Set<String> FIELDS = java.util.Set.of("title", "range", "from", "to", "granularity",
            "group_by", "filters", "measure", "chart", "include_own_integrations");

    /** A body must be an object of known fields only (a misspelt field is refused, never ignored). */
    static JsonNode known(JsonNode body, java.util.Set<String> fields) {
        if (body == null || !body.isObject()) {
            throw new io.rebill.shared.errors.RebillException(io.rebill.shared.errors.ErrorCode.BAD_REQUEST,
                    "the body must be a JSON object");
        }
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!fields.contains(e.getKey())) {
                throw new io.rebill.shared.errors.RebillException(io.rebill.shared.errors.ErrorCode.BAD_REQUEST,
                        "unknown field '" + e.getKey() + "'; the fields are " + new java.util.TreeSet<>(fields));
            }
        }
        return body;
    }

    static Map<String, Object> json(SavedReport r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id().toString());
        m.put("title", r.title());
        m.putAll(r.definition().toJson());
        m.put("default", r.isDefault());
        m.put("created_by", r.createdBy());
        m.put("created_at", r.createdAt().toString());
        m.put("updated_at", r.updatedAt().toString());
        return m;
    }

    /** Exact decimals as strings; the keys of each row under the dimensions' names (group_by). */
    static Map<String, Object> dataJson(ReportData d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", d.window().from().toString());
        m.put("to", d.window().to().toString());
        m.put("previous_from", d.previous().from().toString());
        m.put("previous_to", d.previous().to().toString());
        m.put("measure", d.measure().name().toLowerCase(java.util.Locale.ROOT));
        m.put("currency", d.currency().orElse(null));
        m.put("group_by", d.groupBy().stream().map(io.rebill.costs.ReportDimension::text).toList());
        m.put("group_labels", d.groupLabels());
        m.put("buckets", d.buckets().stream().map(Object::toString).toList());
        // a report by a tag: the periods whose bill run kept no row of it, read without a value (docs/costs.md)
        m.put("periods_without_tag", d.periodsWithoutTag().stream().map(Object::toString).toList());
        m.put("rows", d.rows().stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < d.groupBy().size(); i++) {
                row.put(d.groupBy().get(i).text(), r.keys().get(i));
            }
            row.put("amounts", r.amounts().stream().map(java.math.BigDecimal::toPlainString).toList());
            row.put("total", r.total().toPlainString());
            row.put("previous", r.previous().toPlainString());
            return row;
        }).toList());
        m.put("total", d.total().toPlainString());
        m.put("previous_total", d.previousTotal().toPlainString());
        return m;
    }
}

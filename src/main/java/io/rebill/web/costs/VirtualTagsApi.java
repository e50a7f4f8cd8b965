package io.rebill.web.costs;

import io.rebill.costs.VirtualTag;
import io.rebill.costs.VirtualTags;
import io.rebill.identity.Actor;
import io.rebill.invoicing.BillRuns;
import org.springframework.http.HttpStatus;
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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Virtual tags (issue 12 item 4): per account, a key and an ordered list of (CEL condition, value). A change asks the
 * MSP's bill runs to run again (as a configuration change does), so the tag aggregate the reports read follows.
 */
@RestController
@RequestMapping("/api/v1/virtual_tags")
class VirtualTagsApi {
    private final VirtualTags tags;
    private final BillRuns billRuns;

    VirtualTagsApi(VirtualTags tags, BillRuns billRuns) {
        this.tags = tags;
        this.billRuns = billRuns;
    }

    @GetMapping
    List<Map<String, Object>> list(Actor actor) {
        return tags.list(actor).stream().map(VirtualTagsApi::json).toList();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    Map<String, Object> create(Actor actor, @RequestBody JsonNode body) {
        VirtualTag tag = tags.create(actor, CostReportsApi.known(body, FIELDS).path("key").asString(""), VirtualTags.rules(body.get("rules")));
        rebill(actor);
        return json(tag);
    }

    @GetMapping("/{id}")
    Map<String, Object> get(Actor actor, @PathVariable UUID id) {
        return json(tags.get(actor, id));
    }

    @PutMapping("/{id}")
    Map<String, Object> update(Actor actor, @PathVariable UUID id, @RequestBody JsonNode body) {
        VirtualTag tag = tags.update(actor, id, CostReportsApi.known(body, FIELDS).path("key").asString(""), VirtualTags.rules(body.get("rules")));
        rebill(actor);
        return json(tag);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        tags.delete(actor, id);
        rebill(actor);
        return ResponseEntity.noContent().build();
    }

    /** The MSP whose bill runs compute the tag: the account's own, or its customer account's MSP. */
    private void rebill(Actor actor) {
        (actor.account().isMsp() ? java.util.Optional.of(actor.account().id()) : actor.account().mspId())
                .ifPresent(billRuns::configurationChanged);
    }

    private static final java.util.Set<String> FIELDS = java.util.Set.of("key", "rules");

    static Map<String, Object> json(VirtualTag t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id().toString());
        m.put("key", t.key());
        m.put("rules", t.rules().stream().map(r -> Map.of("condition", r.condition(), "value", r.value())).toList());
        m.put("created_by", t.createdBy());
        m.put("created_at", t.createdAt().toString());
        m.put("updated_at", t.updatedAt().toString());
        // why bill runs skip it (a condition this version no longer compiles); null when they compute it
        m.put("problem", t.problem().orElse(null));
        return m;
    }
}

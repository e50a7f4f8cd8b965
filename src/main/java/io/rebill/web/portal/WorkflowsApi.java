package io.rebill.web.portal;

import io.rebill.billingconfig.BillingRules;
import io.rebill.billingconfig.BillingWorkflow;
import io.rebill.identity.Actor;
import io.rebill.shared.paging.PageRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.UUID;

/**
 * The MSP's workflows: ordered lists of billing rules, as in msp.yaml ({@code key}, {@code title}, {@code basis},
 * {@code rules}). Same permissions as billing rules.
 */
@RestController
@RequestMapping("/api/v1/workflows")
class WorkflowsApi {
    private final BillingRules store;

    WorkflowsApi(BillingRules store) {
        this.store = store;
    }

    @GetMapping
    PageJson<BillingWorkflow> list(Actor actor, @RequestParam(defaultValue = "0") int offset,
                                   @RequestParam(defaultValue = "50") int limit) {
        return PageJson.of(store.workflows(actor, new PageRequest(offset, limit)), "/api/v1/workflows");
    }

    @GetMapping("/{id}")
    BillingWorkflow get(Actor actor, @PathVariable UUID id) {
        return store.workflow(actor, id);
    }

    @PostMapping
    ResponseEntity<BillingWorkflow> create(Actor actor, @RequestBody String body) {
        BillingWorkflow created = store.createWorkflow(actor, BillingRules.parseJson(body, "the request body"));
        return ResponseEntity.status(HttpStatus.CREATED).header("Location", "/api/v1/workflows/" + created.id())
                .body(created);
    }

    @PutMapping("/{id}")
    BillingWorkflow replace(Actor actor, @PathVariable UUID id, @RequestBody String body) {
        return store.replaceWorkflow(actor, id, BillingRules.parseJson(body, "the request body"));
    }

    @PatchMapping("/{id}")
    BillingWorkflow patch(Actor actor, @PathVariable UUID id, @RequestBody String body) {
        return store.patchWorkflow(actor, id, BillingRules.parseJson(body, "the request body"));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        store.deleteWorkflow(actor, id);
        return ResponseEntity.noContent().build();
    }
}

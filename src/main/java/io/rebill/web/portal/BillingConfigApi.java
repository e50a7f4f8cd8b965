package io.rebill.web.portal;

import io.rebill.billingconfig.BillingRules;
import io.rebill.billingconfig.ConfigImport;
import io.rebill.identity.Actor;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Billing as code in the portal: the MSP's whole configuration as msp.yaml, out and in (docs/portal-billing-rules.md).
 */
@RestController
@RequestMapping("/api/v1/billing_config")
class BillingConfigApi {
    static final MediaType YAML = MediaType.parseMediaType("application/yaml;charset=UTF-8");

    private final BillingRules store;

    BillingConfigApi(BillingRules store) {
        this.store = store;
    }

    record ImportJson(int rules, int workflows, int assignments, int customers, String checkedIn,
                      List<String> warnings) {
        static ImportJson of(ConfigImport i) {
            return new ImportJson(i.rules(), i.workflows(), i.assignments(), i.customers(), i.checkedIn().toString(),
                    i.warnings());
        }
    }

    /** msp.yaml text; customers list the linked accounts billed to them in {@code ?period=} (default: this month). */
    @GetMapping
    ResponseEntity<String> export(Actor actor, @RequestParam Optional<String> period) {
        String yaml = store.exportYaml(actor, period.map(BillingPeriod::parse));
        return ResponseEntity.ok().contentType(YAML).header("Content-Disposition", "attachment; filename=msp.yaml")
                .body(yaml);
    }

    /** Replaces the configuration with an msp.yaml sent as text/yaml, application/yaml or text/plain. */
    @PutMapping(consumes = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"})
    ImportJson importYaml(Actor actor, @RequestBody String yaml, @RequestParam Optional<String> period) {
        return ImportJson.of(store.importYaml(actor, yaml, period.map(BillingPeriod::parse)));
    }

    /** The same with a JSON body {@code {"yaml": "..."}}. */
    @PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ImportJson importJson(Actor actor, @RequestBody String body, @RequestParam Optional<String> period) {
        Map<String, Object> fields = BillingRules.parseJson(body, "the request body");
        if (!(fields.get("yaml") instanceof String yaml) || fields.size() != 1) {
            throw new RebillException(ErrorCode.BAD_REQUEST, "send {\"yaml\": \"<the msp.yaml text>\"}, or the file"
                    + " itself with Content-Type: application/yaml");
        }
        return ImportJson.of(store.importYaml(actor, yaml, period.map(BillingPeriod::parse)));
    }
}

package io.rebill.web.portal;

import io.rebill.billingconfig.BillingPreview;
import io.rebill.billingconfig.BillingRule;
import io.rebill.billingconfig.BillingRules;
import io.rebill.billingconfig.ProposedChange;
import io.rebill.identity.Actor;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.PageRequest;
import io.rebill.shared.time.BillingPeriod;
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

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The MSP's billing rules (Vantage's name: billing_rules). A rule is written as its mapping in msp.yaml
 * (docs/msp-config.md) with the id called {@code key}; see docs/portal-billing-rules.md. Viewing needs View
 * Management Account, changing Create Management Resources (Owner, Integration Owner, Editor).
 */
@RestController
@RequestMapping("/api/v1/billing_rules")
class BillingRulesApi {
    private static final Set<String> PREVIEW_FIELDS = Set.of("rules", "delete_rules", "workflows", "assignments",
            "account_rules");

    private final BillingRules store;

    BillingRulesApi(BillingRules store) {
        this.store = store;
    }

    @GetMapping
    PageJson<BillingRule> list(Actor actor, @RequestParam(defaultValue = "0") int offset,
                               @RequestParam(defaultValue = "50") int limit) {
        return PageJson.of(store.rules(actor, new PageRequest(offset, limit)), "/api/v1/billing_rules");
    }

    @GetMapping("/{id}")
    BillingRule get(Actor actor, @PathVariable UUID id) {
        return store.rule(actor, id);
    }

    @PostMapping
    ResponseEntity<BillingRule> create(Actor actor, @RequestBody String body) {
        BillingRule created = store.createRule(actor, BillingRules.parseJson(body, "the request body"));
        return ResponseEntity.status(HttpStatus.CREATED).header("Location", "/api/v1/billing_rules/" + created.id())
                .body(created);
    }

    @PutMapping("/{id}")
    BillingRule replace(Actor actor, @PathVariable UUID id, @RequestBody String body) {
        return store.replaceRule(actor, id, BillingRules.parseJson(body, "the request body"));
    }

    @PatchMapping("/{id}")
    BillingRule patch(Actor actor, @PathVariable UUID id, @RequestBody String body) {
        return store.patchRule(actor, id, BillingRules.parseJson(body, "the request body"));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        store.deleteRule(actor, id);
        return ResponseEntity.noContent().build();
    }

    record CustomerJson(String key, String name, String costBefore, String costAfter, String chargeBefore,
                        String chargeAfter, String marginBefore, String marginAfter, String chargeDelta) {
        static CustomerJson of(BillingPreview.Customer c) {
            return new CustomerJson(c.key(), c.name(), s(c.costBefore()), s(c.costAfter()), s(c.chargeBefore()),
                    s(c.chargeAfter()), s(c.marginBefore()), s(c.marginAfter()), s(c.chargeDelta()));
        }
    }

    record LineJson(String lineId, Optional<String> customerBefore, Optional<String> customerAfter, String serviceName,
                    String chargeType, Optional<String> chargeBefore, Optional<String> chargeAfter, String delta) {
        static LineJson of(BillingPreview.Line l) {
            return new LineJson(l.lineId(), l.customerBefore(), l.customerAfter(), l.serviceName(), l.chargeType(),
                    l.chargeBefore().map(BillingRulesApi::s), l.chargeAfter().map(BillingRulesApi::s), s(l.delta()));
        }
    }

    record PreviewJson(String period, List<CustomerJson> customers, List<LineJson> lines) {
    }

    /**
     * A dry run of a proposed change on the last billed month (or {@code ?period=}): per customer cost, charge and
     * margin before and after, and the lines that move most. Nothing is saved.
     */
    @PostMapping("/preview")
    PreviewJson preview(Actor actor, @RequestBody String body, @RequestParam Optional<String> period,
                        @RequestParam(name = "top_lines", defaultValue = "20") int topLines) {
        if (topLines < 0 || topLines > 1000) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "top_lines must be between 0 and 1000, was " + topLines);
        }
        Map<String, Object> fields = BillingRules.parseJson(body, "the request body");
        fields.keySet().stream().filter(k -> !PREVIEW_FIELDS.contains(k)).findFirst().ifPresent(k -> {
            throw new RebillException(ErrorCode.BAD_REQUEST, "unknown field '" + k + "'; a preview takes "
                    + String.join(", ", PREVIEW_FIELDS.stream().sorted().toList()));
        });
        ProposedChange change = new ProposedChange(maps(fields.get("rules"), "rules"),
                strings(fields.get("delete_rules"), "delete_rules"), maps(fields.get("workflows"), "workflows"),
                maps(fields.get("assignments"), "assignments").stream().map(a -> new ProposedChange.Assignment(
                        text(a, "customer", "assignments"), text(a, "workflow", "assignments"),
                        Optional.ofNullable(text(a, "from", "assignments")).map(BillingPeriod::parse))).toList(),
                maps(fields.get("account_rules"), "account_rules").stream().map(r -> new ProposedChange.AccountRules(
                        text(r, "customer", "account_rules"), strings(r.get("rules"), "account_rules.rules"),
                        Optional.ofNullable(text(r, "basis", "account_rules")))).toList());
        BillingPreview preview = store.preview(actor, change, period.map(BillingPeriod::parse), topLines);
        return new PreviewJson(preview.period().toString(), preview.customers().stream().map(CustomerJson::of).toList(),
                preview.lines().stream().map(LineJson::of).toList());
    }

    /** The exact value without the engine's trailing zeros, but with at least cents: 110.00, 28.8125. */
    static String s(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.setScale(Math.max(2, stripped.scale())).toPlainString();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value, String field) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list && list.stream().allMatch(i -> i instanceof Map)) {
            return (List<Map<String, Object>>) value;
        }
        throw new RebillException(ErrorCode.BAD_REQUEST, "'" + field + "' must be a list of objects");
    }

    static List<String> strings(Object value, String field) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list && list.stream().allMatch(i -> i instanceof String)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new RebillException(ErrorCode.BAD_REQUEST, "'" + field + "' must be a list of texts, e.g. [\"uplift-3\"]");
    }

    private static String text(Map<String, Object> map, String key, String where) {
        Object value = map.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new RebillException(ErrorCode.BAD_REQUEST, where + ": '" + key + "' must be text");
    }
}

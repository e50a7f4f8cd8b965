package io.rebill.web.billing;

import io.rebill.identity.Actor;
import io.rebill.invoicing.BillRuns;
import io.rebill.rules.RuleEffects;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/**
 * The drill-down behind an invoice (issue 11 item 5), as the invoice page's "How the rules changed this bill": per
 * rule of the customer's workflow, the lines it changed and their charge before and after it, and the lines whose
 * charge moved most with the rules that touched them. The MSP's view only (it shows costs and exclusions): View
 * Managed Accounts; a customer account gets 403, another MSP's invoice 404. Amounts are exact decimals as strings.
 */
@RestController
@RequestMapping("/api/v1")
class InvoiceRulesApi {
    private final BillRuns runs;

    InvoiceRulesApi(BillRuns runs) {
        this.runs = runs;
    }

    record RuleJson(String id, String title, long lines, String before, String after, String change) {
    }

    record LineJson(String lineId, String service, String chargeType, String cost, String charge, boolean excluded,
                    List<String> rules) {
    }

    record EffectsJson(UUID invoiceId, String customerKey, String cost, String charge, List<RuleJson> rules,
                       List<LineJson> lines) {
    }

    @GetMapping("/invoices/{id}/rule_effects")
    EffectsJson ruleEffects(Actor actor, @PathVariable UUID id, @RequestParam(defaultValue = "25") int top) {
        if (top < 0 || top > 200) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "top: " + top + " is out of range; expected 0 to 200");
        }
        RuleEffects e = runs.ruleEffects(actor, id, top);
        return new EffectsJson(id, e.customerId(), BillingApi.exact(e.cost()), BillingApi.exact(e.charge()),
                e.rules().stream().map(r -> new RuleJson(r.id(), r.title(), r.lines(), BillingApi.exact(r.before()),
                        BillingApi.exact(r.after()), BillingApi.exact(r.change()))).toList(),
                e.lines().stream().map(l -> new LineJson(l.lineId(), l.service(), l.chargeType(),
                        BillingApi.exact(l.cost()), BillingApi.exact(l.charge()), l.excluded(), l.rules())).toList());
    }
}

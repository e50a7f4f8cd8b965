package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditEntry;
import io.rebill.identity.AuditLog;
import io.rebill.shared.paging.PageRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit log, for whoever manages the account's users: the MSP's Owners see everything done in the MSP account
 * and in its customers' accounts with the real person; a customer's Owner sees their account's log with the MSP's
 * staff shown as Manager User.
 */
@RestController
@RequestMapping("/api/v1/audit_logs")
class AuditLogsApi {
    private final AuditLog audit;

    AuditLogsApi(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    PageJson<AuditEntry> list(Actor actor, @RequestParam(defaultValue = "0") int offset,
                              @RequestParam(defaultValue = "50") int limit) {
        actor.require(UsersApi.managePermission(actor));
        PageRequest page = new PageRequest(offset, limit);
        return PageJson.of(actor.account().isMsp() && !actor.managerUser()
                ? audit.ofMsp(actor.account().id(), page)
                : audit.ofCustomer(actor.account().id(), page), "/api/v1/audit_logs");
    }
}

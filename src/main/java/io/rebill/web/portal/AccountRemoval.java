package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.ingestion.Ingestion;
import io.rebill.tenancy.Account;
import io.rebill.tenancy.Accounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Deleting a customer account (seed: "a permanent action and will remove any connected customer integrations"):
 * the rows go in one transaction, then the stored line items of the account's own integrations.
 */
@Component
class AccountRemoval {
    private static final Logger log = LoggerFactory.getLogger(AccountRemoval.class);
    private final Accounts accounts;
    private final Ingestion ingestion;
    private final AuditLog audit;

    AccountRemoval(Accounts accounts, Ingestion ingestion, AuditLog audit) {
        this.accounts = accounts;
        this.ingestion = ingestion;
        this.audit = audit;
    }

    void delete(Actor actor, UUID msp, Account account) {
        List<String> sources = accounts.deleteManaged(msp, account.id());
        audit.record(actor, "managed_account.delete", account.id().toString(),
                Map.of("name", account.name(), "contact_email", account.contactEmail(), "sources", sources));
        for (String source : sources) {
            // the account is gone; a file left behind is unreachable and only costs disk, so it is logged, not fatal
            try {
                ingestion.delete(source);
            } catch (RuntimeException e) {
                log.warn("Account {} deleted; its source {} could not be removed from disk: {}", account.id(), source,
                        e.getMessage());
            }
        }
    }
}

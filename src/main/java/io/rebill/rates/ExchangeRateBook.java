package io.rebill.rates;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Permission;
import io.rebill.rates.internal.RateStore;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.money.ExchangeRates;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The exchange rates an MSP keeps (issue 13 item 6): an MSP bills in one currency, its account's; a source line in
 * another currency is converted at the MSP's rate for the line's billing period. Reading needs View Managed
 * Accounts, changing needs Create Management Resources and Add and remove Managed Accounts (as billing rules do);
 * every change is audit-logged. Customers never see rates. The caller asks for a bill run after a change (a rate is
 * billing configuration); this feature knows nothing of bill runs.
 */
public final class ExchangeRateBook {
    private final RateStore store;
    private final AuditLog audit;

    public ExchangeRateBook(JdbcClient jdbc, AuditLog audit) {
        this.store = new RateStore(jdbc);
        this.audit = audit;
    }

    /** The MSP's billing currency (its account's). */
    public String currency(Actor actor) {
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        return currencyOf(actor.requireMsp());
    }

    public List<ExchangeRate> list(Actor actor) {
        actor.require(Permission.VIEW_MANAGED_ACCOUNTS);
        UUID msp = actor.requireMsp();
        String to = currencyOf(msp);
        return store.list(msp).stream().map(r -> rate(r, to)).toList();
    }

    /** Enters or replaces the rate of {@code from} for {@code period}. */
    public ExchangeRate set(Actor actor, String from, BillingPeriod period, BigDecimal rate) {
        requireChange(actor);
        UUID msp = actor.requireMsp();
        String to = currencyOf(msp);
        ExchangeRates.Rate checked = new ExchangeRates.Rate(from, period, rate);
        if (checked.from().equals(to)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "from_currency " + to + " is the MSP's own billing"
                    + " currency: its lines need no rate");
        }
        var before = store.find(msp, checked.from(), period);
        store.upsert(msp, checked.from(), period, checked.rate(), actor.createdBy());
        audit.record(actor, "exchange_rate.set", checked.from() + "/" + period, Map.of("currency", checked.from(),
                "period", period.toString(), "rate", checked.rate().toPlainString(), "to", to,
                "before", before.map(b -> b.rate().toPlainString()).orElse("none")));
        return rate(store.find(msp, checked.from(), period).orElseThrow(), to);
    }

    public void delete(Actor actor, String from, BillingPeriod period) {
        requireChange(actor);
        UUID msp = actor.requireMsp();
        String code = ExchangeRates.checkCurrency(from, "from_currency");
        var before = store.find(msp, code, period).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID,
                "no exchange rate from " + code + " for " + period));
        store.delete(msp, code, period);
        audit.record(actor, "exchange_rate.delete", code + "/" + period, Map.of("currency", code,
                "period", period.toString(), "rate", before.rate().toPlainString()));
    }

    /** Every rate of the MSP into {@code currency}, as a bill run reads them. */
    public ExchangeRates ratesFor(UUID msp, String currency) {
        return new ExchangeRates(currency, store.list(msp).stream()
                .map(r -> new ExchangeRates.Rate(r.from(), r.period(), r.rate())).toList());
    }

    /**
     * Makes the MSP's rates exactly {@code rates} (an msp.yaml import, billing as code: a rate the file leaves out is
     * removed); a rate that stays the same keeps who entered it and when. The caller has checked the rights of
     * changing rates and records the change. Returns how many rates were added, changed or removed.
     */
    public int replaceAll(UUID msp, ExchangeRates rates, String by) {
        String to = currencyOf(msp);
        if (!rates.rates().isEmpty() && !rates.currency().equals(to)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "exchange_rates convert into " + rates.currency()
                    + " (msp.currency) but the MSP bills in " + to + "; set msp.currency to " + to);
        }
        int changed = 0;
        for (RateStore.Row row : store.list(msp)) {
            if (rates.rate(row.from(), row.period()).isEmpty()) {
                store.delete(msp, row.from(), row.period());
                changed++;
            }
        }
        for (ExchangeRates.Rate rate : rates.rates()) {
            if (rate.from().equals(to)) {
                throw new RebillException(ErrorCode.BAD_ARGUMENT, "exchange_rates: from " + to + " is the MSP's own"
                        + " billing currency: its lines need no rate");
            }
            var before = store.find(msp, rate.from(), rate.period());
            if (before.isEmpty() || before.get().rate().compareTo(rate.rate()) != 0) {
                store.upsert(msp, rate.from(), rate.period(), rate.rate(), by);
                changed++;
            }
        }
        return changed;
    }

    private String currencyOf(UUID msp) {
        return store.mspCurrency(msp).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_ID, "no account " + msp));
    }

    private static void requireChange(Actor actor) {
        actor.require(Permission.CREATE_MANAGEMENT_RESOURCES);
        actor.require(Permission.MANAGE_MANAGED_ACCOUNTS);
    }

    private static ExchangeRate rate(RateStore.Row r, String to) {
        return new ExchangeRate(r.from(), to, r.period(), r.rate(), r.createdAt(), r.createdBy());
    }
}

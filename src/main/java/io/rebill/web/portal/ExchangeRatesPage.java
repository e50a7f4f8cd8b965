package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.shared.errors.RebillException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Settings > Exchange Rates: the rates the MSP bills other currencies at, through the API's methods. */
@Controller
class ExchangeRatesPage {
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final ExchangeRatesApi api;

    ExchangeRatesPage(ExchangeRatesApi api) {
        this.api = api;
    }

    record Row(String from, String period, String periodText, String rate, String entered) {
    }

    @GetMapping("/settings/exchange-rates")
    String page(Actor actor, Model model) {
        var rates = api.list(actor);
        model.addAttribute("currency", rates.currency());
        model.addAttribute("rows", rates.rates().stream().map(r -> new Row(r.fromCurrency(), r.period(),
                MONTH.format(YearMonth.parse(r.period())), "1 " + r.fromCurrency() + " = " + r.rate() + " " + r.toCurrency(),
                DAY.format(r.createdAt()) + " by " + r.createdBy())).toList());
        model.addAttribute("canManage", actor.can(Permission.MANAGE_MANAGED_ACCOUNTS)
                && actor.can(Permission.CREATE_MANAGEMENT_RESOURCES));
        model.addAttribute("thisMonth", YearMonth.now(ZoneOffset.UTC).toString());
        return "exchange-rates";
    }

    @PostMapping("/settings/exchange-rates")
    String save(Actor actor, @RequestParam String from, @RequestParam String period, @RequestParam String rate,
                RedirectAttributes redirect) {
        try {
            var saved = api.put(actor, from.strip().toUpperCase(Locale.ROOT), period, new ExchangeRatesApi.NewRate(rate));
            redirect.addFlashAttribute("message", "Saved: 1 " + saved.fromCurrency() + " = " + saved.rate() + " "
                    + saved.toCurrency() + " for " + MONTH.format(YearMonth.parse(saved.period()))
                    + ". The open periods bill again.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/exchange-rates";
    }

    @PostMapping("/settings/exchange-rates/{from}/{period}/delete")
    String delete(Actor actor, @PathVariable String from, @PathVariable String period, RedirectAttributes redirect) {
        try {
            api.delete(actor, from, period);
            redirect.addFlashAttribute("message", "Removed the rate of " + from + " for "
                    + MONTH.format(YearMonth.parse(period)) + ".");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/exchange-rates";
    }
}

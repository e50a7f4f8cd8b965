package io.rebill.web.sources;

import io.rebill.costs.CostDimension;
import io.rebill.costs.CostReport;
import io.rebill.identity.Actor;
import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The sources dashboard and one period's costs grouped by a dimension. */
@Controller
class SourcesPageController {
    /** The dimensions offered in the page's select; the URL may name any groupable one. */
    static final List<String> OFFERED_DIMENSIONS =
            List.of("service_name", "sub_account_id", "x_charge_type", "charge_category", "region_id");

    private final SourceCatalog catalog;
    private final SourcesSection section;

    SourcesPageController(SourceCatalog catalog, SourcesSection section) {
        this.catalog = catalog;
        this.section = section;
    }

    /** The sources list; {@code /} is the account's home (web.costs.HomePage), which shows it too. */
    @GetMapping("/sources")
    String dashboard(Actor actor, Model model) {
        section.addTo(actor, model);
        return "sources";
    }

    @GetMapping("/sources/{name}/periods/{period}")
    String period(Actor actor, @PathVariable String name, @PathVariable String period,
                  @RequestParam(name = "group_by", defaultValue = "service_name") String groupBy,
                  @RequestParam(defaultValue = "effective") String basis, Model model) {
        SourceState source = catalog.source(actor, name);
        StoredPeriod stored = catalog.period(source, period);
        CostDimension dimension = CostDimension.parse(groupBy);
        CostBasis costBasis = SourceCatalog.basis(basis);
        CostReport report = catalog.costs(source, stored, List.of(dimension), costBasis);

        List<String> dimensions = new ArrayList<>(OFFERED_DIMENSIONS);
        if (!dimensions.contains(dimension.label())) {
            dimensions.add(dimension.label());
        }
        model.addAttribute("source", SourceViews.SourceView.of(source, catalog.title(actor, source.name())));
        String currency = catalog.currency(source, stored).orElse(null);
        model.addAttribute("currency", currency);
        model.addAttribute("period", SourceViews.PeriodView.of(stored, currency));
        model.addAttribute("dimensions", dimensions);
        model.addAttribute("dimension", dimension.label());
        model.addAttribute("bases", Arrays.stream(CostBasis.values()).map(CostBasis::label).toList());
        model.addAttribute("basis", costBasis.label());
        model.addAttribute("rows", report.rows().stream().map(SourceViews.CostRowView::of).toList());
        model.addAttribute("total", SourceViews.CostRowView.total(report, currency));
        return "costs";
    }
}

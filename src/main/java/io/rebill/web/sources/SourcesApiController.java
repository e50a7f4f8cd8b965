package io.rebill.web.sources;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.rebill.costs.CostDimension;
import io.rebill.costs.CostReport;
import io.rebill.costs.CostRow;
import io.rebill.identity.Actor;
import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sources and their costs as JSON. Money is an exact decimal string (never a JSON number, which clients read as
 * binary floating point); errors are problem details (see {@code RebillProblems}).
 */
@RestController
@RequestMapping("/api/v1/sources")
class SourcesApiController {
    private final SourceCatalog catalog;

    SourcesApiController(SourceCatalog catalog) {
        this.catalog = catalog;
    }

    @GetMapping
    List<SourceJson> sources(Actor actor) {
        return catalog.sources(actor).stream().map(SourceJson::of).toList();
    }

    @GetMapping("/{name}")
    SourceJson source(Actor actor, @PathVariable String name) {
        return SourceJson.of(catalog.source(actor, name));
    }

    @GetMapping("/{name}/periods/{period}/costs")
    CostsJson costs(Actor actor, @PathVariable String name, @PathVariable String period,
                    @RequestParam(name = "group_by", defaultValue = "service_name") String groupBy,
                    @RequestParam(defaultValue = "effective") String basis) {
        SourceState source = catalog.source(actor, name);
        StoredPeriod stored = catalog.period(source, period);
        List<CostDimension> dimensions = SourceCatalog.groupBy(groupBy);
        CostBasis costBasis = SourceCatalog.basis(basis);
        return CostsJson.of(source, catalog.costs(source, stored, dimensions, costBasis));
    }

    record SourceJson(String name, String status, String message,
                      @JsonProperty("updated_at") String updatedAt, List<PeriodJson> periods) {
        static SourceJson of(SourceState s) {
            // the reason of a failed ingest names its file, never the server's folders
            return new SourceJson(s.name(), s.status().name(),
                    s.message() == null ? null : io.rebill.web.ServerPaths.withoutFolders(s.message()),
                    s.updatedAt() == null ? null : s.updatedAt().toString(),
                    s.periods().stream().map(PeriodJson::of).toList());
        }
    }

    record PeriodJson(String period, @JsonProperty("line_count") long lineCount, String billed, String effective,
                      String list, @JsonProperty("ingested_at") String ingestedAt) {
        static PeriodJson of(StoredPeriod p) {
            return new PeriodJson(p.period().toString(), p.sums().lineCount(), p.sums().billed().toPlainString(),
                    p.sums().effective().toPlainString(), p.sums().list().toPlainString(), p.ingestedAt().toString());
        }
    }

    record CostsJson(String source, String period, String basis, @JsonProperty("group_by") List<String> groupBy,
                     String total, @JsonProperty("line_count") long lineCount, List<CostRowJson> rows) {
        static CostsJson of(SourceState source, CostReport report) {
            List<String> labels = report.request().groupBy().stream().map(CostDimension::label).toList();
            return new CostsJson(source.name(), report.request().period().toString(),
                    report.request().basis().label(), labels, report.total().toPlainString(),
                    report.rows().stream().mapToLong(CostRow::lineCount).sum(),
                    report.rows().stream().map(r -> CostRowJson.of(labels, r)).toList());
        }
    }

    /** {@code keys} maps each group-by label to the row's value, null where the line items have none. */
    record CostRowJson(Map<String, String> keys, String cost, @JsonProperty("line_count") long lineCount) {
        static CostRowJson of(List<String> labels, CostRow row) {
            Map<String, String> keys = new LinkedHashMap<>();
            for (int i = 0; i < labels.size(); i++) {
                keys.put(labels.get(i), row.keys().get(i));
            }
            return new CostRowJson(keys, row.cost().toPlainString(), row.lineCount());
        }
    }
}

package io.rebill.web.sources;

import io.rebill.costs.CostDimension;
import io.rebill.costs.CostQuery;
import io.rebill.costs.CostReport;
import io.rebill.costs.CostRequest;
import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What the source screens and the API share: finding a source and a period by the text of a URL, and turning
 * request parameters into a {@link CostRequest}. Every rejection is a {@link RebillException}, so pages and API
 * answer it the same way. Lookups go through the list of sources so that a miss names the source, not a folder.
 */
@Component
class SourceCatalog {
    private final Ingestion ingestion;
    private final CostQuery costs;

    SourceCatalog(Ingestion ingestion, CostQuery costs) {
        this.ingestion = ingestion;
        this.costs = costs;
    }

    List<SourceState> sources() {
        return ingestion.sources();
    }

    SourceState source(String name) {
        return sources().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_SOURCE, "no source named '" + name + "'"));
    }

    StoredPeriod period(SourceState source, String periodText) {
        BillingPeriod period = BillingPeriod.parse(periodText);
        return source.period(period).orElseThrow(() -> new RebillException(ErrorCode.UNKNOWN_PERIOD,
                "source '" + source.name() + "' has no billing period " + period));
    }

    CostReport costs(SourceState source, StoredPeriod period, List<CostDimension> groupBy, CostBasis basis) {
        return costs.run(new CostRequest(List.of(source.name()), period.period(), groupBy, basis));
    }

    /** {@code service_name,tag:team}; blank means no grouping (one total row). */
    static List<CostDimension> groupBy(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        return Arrays.stream(text.split(",")).map(CostDimension::parse).toList();
    }

    static CostBasis basis(String text) {
        try {
            return CostBasis.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "basis '" + text + "' is not one of "
                    + Arrays.stream(CostBasis.values()).map(CostBasis::label).toList());
        }
    }
}

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
import io.rebill.identity.Actor;
import io.rebill.identity.Permission;
import io.rebill.tenancy.Integration;
import io.rebill.tenancy.Integrations;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the source screens and the API share: finding a source and a period by the text of a URL, and turning
 * request parameters into a {@link CostRequest}. Every rejection is a {@link RebillException}, so pages and API
 * answer it the same way. Lookups go through the list of sources so that a miss names the source, not a folder.
 */
@Component
class SourceCatalog {
    private final Ingestion ingestion;
    private final CostQuery costs;
    private final Integrations integrations;

    SourceCatalog(Ingestion ingestion, CostQuery costs, Integrations integrations) {
        this.ingestion = ingestion;
        this.costs = costs;
        this.integrations = integrations;
    }

    /**
     * The sources of the account the actor acts in: its own integrations only. A customer never sees the raw lines
     * of the MSP's consolidated source (they carry the MSP's discounts and so its margin); it sees those
     * integrations' status under managed integrations.
     */
    List<SourceState> sources(Actor actor) {
        actor.require(actor.account().isMsp() ? Permission.VIEW_MANAGEMENT_ACCOUNT : Permission.VIEW_ACCOUNT);
        Set<String> own = integrations.of(actor.account().id()).stream().map(Integration::sourceName)
                .collect(Collectors.toSet());
        return ingestion.sources().stream().filter(s -> own.contains(s.name())).toList();
    }

    /** The name a person knows a source by: its integration's name (the source id otherwise, which never happens for a listed source). */
    String title(Actor actor, String sourceName) {
        return integrations.of(actor.account().id()).stream().filter(i -> i.sourceName().equals(sourceName))
                .map(Integration::name).findFirst().orElse(sourceName);
    }

    SourceState source(Actor actor, String name) {
        return sources(actor).stream()
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

    /** The period's one billing currency; empty when it has none or several (amounts then show without one). */
    java.util.Optional<String> currency(SourceState source, StoredPeriod period) {
        List<String> found = costs(source, period, List.of(CostDimension.parse("billing_currency")), CostBasis.BILLED)
                .rows().stream().map(r -> r.keys().get(0)).filter(c -> c != null && !c.isBlank()).distinct().toList();
        return found.size() == 1 ? java.util.Optional.of(found.get(0)) : java.util.Optional.empty();
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

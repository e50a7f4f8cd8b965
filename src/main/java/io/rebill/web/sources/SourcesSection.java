package io.rebill.web.sources;

import io.rebill.identity.Actor;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/** The list of the account's sources (attribute {@code sources}), for the Sources page and the home pages' section. */
@Component
public class SourcesSection {
    private final SourceCatalog catalog;

    SourcesSection(SourceCatalog catalog) {
        this.catalog = catalog;
    }

    public void addTo(Actor actor, Model model) {
        model.addAttribute("sources", catalog.sources(actor).stream()
                .map(s -> SourceViews.SourceView.of(s, catalog.title(actor, s.name()))).toList());
    }
}

package io.rebill.web.billing;

import io.rebill.shared.cache.Identity;
import io.rebill.shared.cache.Lru;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Table rows rendered to HTML once per content and kept: the key is the template and the formatted rows themselves
 * (records, compared by value), so a kept fragment is exactly what rendering these rows would give again and can
 * never be stale; rows carry their ids (UUIDs), so two accounts never share one. Rendering a 100-200 row table with
 * Thymeleaf was the largest part of a list page's CPU (docs/benchmarks.md, issue 11 item 8); a list that did not
 * change since the last view (the usual case) now costs a lookup.
 *
 * <p>Rendered with a plain context, outside the request: templates write links from {@code ${root}} (the context
 * path), never {@code @{...}}, so nothing of one request (a session id in a rewritten URL) reaches other viewers.
 */
@Component
class RenderedRows {
    private final ITemplateEngine templates;
    private final String root;
    private final Map<Key, String> html = Lru.of(128);
    private final Map<SourceKey, String> bySource = Lru.of(256);

    RenderedRows(ITemplateEngine templates, @Value("${server.servlet.context-path:}") String root) {
        this.templates = templates;
        this.root = root;
    }

    private record Key(String template, List<? extends Record> rows) {
        Key {
            rows = List.copyOf(rows);
        }
    }

    private record SourceKey(String template, Identity source) {
    }

    /**
     * The rows of {@code source} rendered by {@code template}, kept by the source's identity: for a source that is
     * immutable and handed out again by a cache while its data is unchanged (a kept page of the invoice list), so
     * that an unchanged page neither maps its rows nor hashes them; another instance maps and renders again.
     */
    String of(String template, Object source, Supplier<List<? extends Record>> rows) {
        SourceKey key = new SourceKey(template, new Identity(source));
        String rendered = bySource.get(key);
        if (rendered == null) {
            rendered = of(template, rows.get());
            bySource.put(key, rendered);
        }
        return rendered;
    }

    /** The rows rendered by {@code template} (its variables: {@code rows} and {@code root}). */
    String of(String template, List<? extends Record> rows) {
        Key key = new Key(template, rows);
        String rendered = html.get(key);
        if (rendered == null) {
            rendered = templates.process(template, new Context(Locale.ENGLISH, Map.of("rows", key.rows(), "root", root)));
            html.put(key, rendered);
        }
        return rendered;
    }
}

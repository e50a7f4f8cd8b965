package io.rebill.web.sources;

import io.rebill.costs.CostReport;
import io.rebill.costs.CostRow;
import io.rebill.ingestion.SourceState;
import io.rebill.ingestion.SourceStatus;
import io.rebill.ingestion.StoredPeriod;
import io.rebill.web.Amounts;
import io.rebill.web.ServerPaths;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** What the source templates show, already formatted, so that templates hold no arithmetic or formatting rules. */
final class SourceViews {
    /** "6 Dec 2026 14:02" in the server's time zone, as the audit log (docs/portal.md). */
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ENGLISH)
            .withZone(ZoneId.systemDefault());

    private SourceViews() {
    }

    /**
     * One source as a person sees it: {@code title} is its integration's name; {@code name} (the internal source id)
     * is only used in links, never shown.
     */
    record SourceView(String name, String title, SourceStatus status, String errorMessage, String updatedAt,
                      List<PeriodView> periods) {
        /** The status as the integrations page names it (Stable, New, Error). */
        public String statusLabel() {
            return switch (status) {
                case NEW -> "New";
                case STABLE -> "Stable";
                case ERROR -> "Error";
            };
        }

        static SourceView of(SourceState s, String title) {
            String error = switch (s.status()) {
                case ERROR -> s.message() == null ? "the last ingest failed" : ServerPaths.withoutFolders(s.message());
                case NEW, STABLE -> null;
            };
            return new SourceView(s.name(), title, s.status(), error,
                    s.updatedAt() == null ? "" : LOCAL.format(s.updatedAt().truncatedTo(ChronoUnit.MINUTES)),
                    s.periods().stream().map(PeriodView::of).toList());
        }
    }

    record PeriodView(String period, String lineCount, String billed, String effective, String list,
                      String ingestedAt) {
        static PeriodView of(StoredPeriod p) {
            return of(p, null);
        }

        /** With the period's currency in front of each sum ({@code USD 12,346.18}) when it is known. */
        static PeriodView of(StoredPeriod p, String currency) {
            return new PeriodView(p.period().toString(), Amounts.count(p.sums().lineCount()),
                    Amounts.display(p.sums().billed(), currency), Amounts.display(p.sums().effective(), currency),
                    Amounts.display(p.sums().list(), currency), LOCAL.format(p.ingestedAt()));
        }
    }

    /** One table row; {@code exact} is the unrounded amount, shown on hover. */
    record CostRowView(String key, String cost, String exact, String lineCount) {
        static CostRowView of(CostRow row) {
            String key = row.keys().stream().map(k -> k == null ? "(none)" : k).reduce((a, b) -> a + " / " + b)
                    .orElse("All line items");
            return new CostRowView(key, Amounts.display(row.cost()), Amounts.exact(row.cost()),
                    Amounts.count(row.lineCount()));
        }

        static CostRowView total(CostReport report, String currency) {
            BigDecimal total = report.total();
            return new CostRowView("Total", Amounts.display(total, currency), Amounts.exact(total),
                    Amounts.count(report.rows().stream().mapToLong(CostRow::lineCount).sum()));
        }
    }
}

package io.rebill.cli;

import io.rebill.ingestion.Ingestion;
import io.rebill.ingestion.ProgressListener;
import io.rebill.rules.MspConfig;
import io.rebill.rules.cel.CelSql;
import io.rebill.rules.config.MspConfigFile;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the bill, diff and explain commands share: reading msp.yaml and finding a period's line items. */
final class BillingInputs {
    private BillingInputs() {
    }

    /** msp.yaml with every CEL condition compiled, so a typo fails here with its file and line. */
    static MspConfig config(Path file) {
        return MspConfigFile.parse(file, expression -> {
            try {
                CelSql.compile(expression);
            } catch (RebillException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        });
    }

    /**
     * The canonical line item files of the period. Each argument is a source name (already ingested) or a provider
     * file or folder, which is ingested first into a source of its own under the data folder ("adhoc-N"), with the
     * same checks and reconciliation as `rebill ingest`.
     */
    static List<Path> lineItems(RebillSettings settings, BillingPeriod period, List<String> sourcesOrFiles, PrintWriter err) {
        Ingestion ingestion = new Ingestion(settings);
        List<Path> files = new ArrayList<>();
        int adhoc = 0;
        for (String arg : sourcesOrFiles) {
            String source = arg;
            Path path = Path.of(arg);
            if (Files.exists(path)) {
                source = "adhoc-" + (++adhoc);
                err.println("ingesting " + arg + " into source " + source);
                err.flush();
                ingestion.ingest(source, List.of(path), ProgressListener.silent());
            }
            if (ingestion.source(source).period(period).isEmpty()) {
                throw new RebillException(ErrorCode.UNKNOWN_PERIOD, "source '" + source + "' has no billing period " + period
                        + "; it holds " + ingestion.source(source).periods().stream().map(p -> p.period().toString()).toList());
            }
            files.addAll(ingestion.lineItemFiles(source, period));
        }
        if (files.isEmpty()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "name the sources or billing files to bill");
        }
        return files;
    }
}

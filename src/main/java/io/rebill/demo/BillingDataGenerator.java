package io.rebill.demo;

import io.rebill.demo.internal.Generator;
import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Writes realistic, deterministic MSP billing data: one payer, linked accounts grouped into customers, usage over
 * many AWS services and regions, Reserved Instances and Savings Plans bought by the payer and by customers,
 * discounts, credits, refunds, tax and Marketplace charges, as AWS CUR (legacy CSV, CUR 2.0 Parquet) and FOCUS 1.2.
 * All formats describe the same line items. Generation is set-based SQL in DuckDB, streamed to disk within the
 * settings' memory limit. See docs/generator.md.
 */
public final class BillingDataGenerator {

    /** Generates every period of {@code spec} in every format into {@code outDir}. */
    public GeneratedFiles generate(GeneratorSpec spec, Path outDir, Set<Format> formats, RebillSettings settings) {
        return generate(spec, outDir, formats, settings, GenerationListener.NONE);
    }

    /**
     * As {@link #generate(GeneratorSpec, Path, Set, RebillSettings)}, telling {@code listener} about each file.
     * Files go to {@code outDir/<format>/<YYYY-MM>/}; earlier demo files in those folders are replaced.
     */
    public GeneratedFiles generate(GeneratorSpec spec, Path outDir, Set<Format> formats, RebillSettings settings,
                                   GenerationListener listener) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(listener, "listener");
        if (formats == null || formats.isEmpty()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "at least one output format is needed");
        }
        return new Generator(settings).run(spec, outDir, formats, listener);
    }
}

package io.rebill.ingestion;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sums of a stored file per account, written beside it when it is ingested ({@code part-00000.parquet.accounts},
 * a small Parquet file): per billing period, billing account, usage account and currency, the number of lines and
 * the sums of {@code billed_cost}, {@code effective_cost} and {@code list_cost} (0 where no line has a value, at the
 * canonical money scale). Ingest sums them in the read of the staged file that its reconciliation makes anyway
 * (StagedSums); a bill then reads a period's line counts, its billed sums and the ingested totals it reconciles against
 * from these few rows instead of summing two more columns of every line (docs/benchmarks.md, "Billing in the
 * product", session 15). Files stored before them have none; the bill then sums the lines as before.
 * They are in the period's generation folder with its files, so a restated period replaces them with its files.
 */
public final class AccountSums {
    /** What follows a stored file's name in the name of its account sums. */
    public static final String SUFFIX = ".accounts";
    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("billing_period", "billing_account_id", "sub_account_id",
            "billing_currency", "lines", "billed_cost", "effective_cost", "list_cost");

    private AccountSums() {
    }

    /** The account sums of a stored file: its path with {@link #SUFFIX} after the name. */
    public static Path of(Path storedFile) {
        return storedFile.resolveSibling(storedFile.getFileName() + SUFFIX);
    }

    /** The account sums of every one of {@code files}, when each has them; empty when any has none. */
    public static Optional<List<Path>> beside(List<Path> files) {
        List<Path> sums = new ArrayList<>();
        for (Path f : files) {
            Path s = of(f);
            if (!Files.isRegularFile(s)) {
                return Optional.empty();
            }
            sums.add(s);
        }
        return files.isEmpty() ? Optional.empty() : Optional.of(sums);
    }
}

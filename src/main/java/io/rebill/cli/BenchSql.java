package io.rebill.cli;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hand-written DuckDB baselines the benchmarks hold Rebill against (bench/*.sql). They stay at the repository root
 * for review, so they are read from there (next to target/ of the running jar or classes), not from the class path.
 */
final class BenchSql {
    private BenchSql() {
    }

    /**
     * The file {@code relative} to the repository root of the running code (target/rebill.jar, target/classes, or the
     * jar extracted by ./rebill as target/aot/BUILD/app/rebill.jar), else to the working directory.
     */
    static Path file(String relative) {
        try {
            Path code = Path.of(BenchSql.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = code.getParent(); dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve(relative);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        Path here = Path.of(relative).toAbsolutePath();
        if (!Files.isRegularFile(here)) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "the hand-written baseline " + relative
                    + " is not beside the running Rebill nor in " + here.getParent().getParent());
        }
        return here;
    }
}

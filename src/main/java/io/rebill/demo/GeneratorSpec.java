package io.rebill.demo;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.time.YearMonth;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What to generate. The output is a pure function of this spec: the same spec gives the same line items.
 *
 * @param seed           any number; different seeds give different data
 * @param rowsPerPeriod  line items per billing period, exactly (1 .. {@value #MAX_ROWS_PER_PERIOD})
 * @param linkedAccounts linked (usage) accounts under the payer (1 .. {@value #MAX_LINKED_ACCOUNTS})
 * @param customers      customers owning those accounts (1 .. linkedAccounts); customer c owns accounts c, c+C, ...
 * @param periods        billing periods (calendar months), each written to its own files; no duplicates
 * @param payerAccountId the payer (management) account: 12 digits
 * @param rowsPerFile    rows per output file; a period with more rows is split into numbered files
 */
public record GeneratorSpec(long seed, long rowsPerPeriod, int linkedAccounts, int customers, List<YearMonth> periods,
                            String payerAccountId, long rowsPerFile) {
    public static final long MAX_ROWS_PER_PERIOD = 4_000_000_000L;
    public static final int MAX_LINKED_ACCOUNTS = 1_000_000;
    public static final long DEFAULT_ROWS_PER_FILE = 2_000_000L;
    public static final String DEFAULT_PAYER_ACCOUNT_ID = "999988887777";

    public GeneratorSpec {
        if (rowsPerPeriod < 1 || rowsPerPeriod > MAX_ROWS_PER_PERIOD) {
            throw bad("rows per period must be between 1 and " + MAX_ROWS_PER_PERIOD + ", was " + rowsPerPeriod);
        }
        if (linkedAccounts < 1 || linkedAccounts > MAX_LINKED_ACCOUNTS) {
            throw bad("linked accounts must be between 1 and " + MAX_LINKED_ACCOUNTS + ", was " + linkedAccounts);
        }
        if (customers < 1 || customers > linkedAccounts) {
            throw bad("customers must be between 1 and the number of linked accounts (" + linkedAccounts
                    + "), was " + customers);
        }
        Objects.requireNonNull(periods, "periods");
        if (periods.isEmpty()) {
            throw bad("at least one billing period is needed, e.g. 2024-09");
        }
        periods = List.copyOf(periods);
        if (new HashSet<>(periods).size() != periods.size()) {
            throw bad("billing periods must be distinct, were " + periods);
        }
        if (payerAccountId == null || !payerAccountId.matches("\\d{12}")) {
            throw bad("payer account id must be 12 digits, was '" + payerAccountId + "'");
        }
        if (rowsPerFile < 1) {
            throw bad("rows per file must be at least 1, was " + rowsPerFile);
        }
    }

    /** A spec with {@link #DEFAULT_ROWS_PER_FILE}. */
    public GeneratorSpec(long seed, long rowsPerPeriod, int linkedAccounts, int customers, List<YearMonth> periods,
                         String payerAccountId) {
        this(seed, rowsPerPeriod, linkedAccounts, customers, periods, payerAccountId, DEFAULT_ROWS_PER_FILE);
    }

    /** {@code count} consecutive months starting with {@code first}. */
    public static List<YearMonth> consecutive(YearMonth first, int count) {
        if (count < 1) {
            throw bad("period count must be at least 1, was " + count);
        }
        return Stream.iterate(first, m -> m.plusMonths(1)).limit(count).toList();
    }

    public GeneratorSpec withRowsPerFile(long newRowsPerFile) {
        return new GeneratorSpec(seed, rowsPerPeriod, linkedAccounts, customers, periods, payerAccountId,
                newRowsPerFile);
    }

    private static RebillException bad(String message) {
        return new RebillException(ErrorCode.BAD_ARGUMENT, message);
    }
}

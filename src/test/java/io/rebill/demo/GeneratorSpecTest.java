package io.rebill.demo;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;

import java.time.YearMonth;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeneratorSpecTest {
    private static final List<YearMonth> SEPTEMBER = List.of(YearMonth.of(2024, 9));

    @Test
    void acceptsAPlausibleSpecAndDefaultsTheFileSize() {
        GeneratorSpec spec = new GeneratorSpec(7, 1_000, 20, 4, SEPTEMBER, "011254002932");

        assertThat(spec.rowsPerFile()).isEqualTo(GeneratorSpec.DEFAULT_ROWS_PER_FILE);
        assertThat(spec.withRowsPerFile(10).rowsPerFile()).isEqualTo(10);
    }

    @Test
    void rejectsMoreCustomersThanAccounts() {
        assertRejected(() -> new GeneratorSpec(1, 10, 3, 4, SEPTEMBER, "123456789012"), "customers");
    }

    @Test
    void rejectsAPayerThatIsNotTwelveDigits() {
        assertRejected(() -> new GeneratorSpec(1, 10, 3, 1, SEPTEMBER, "12345"), "payer");
        assertRejected(() -> new GeneratorSpec(1, 10, 3, 1, SEPTEMBER, "12345678901x"), "payer");
    }

    @Test
    void rejectsEmptyOrRepeatedPeriods() {
        assertRejected(() -> new GeneratorSpec(1, 10, 3, 1, List.of(), "123456789012"), "period");
        assertRejected(() -> new GeneratorSpec(1, 10, 3, 1,
                List.of(YearMonth.of(2024, 9), YearMonth.of(2024, 9)), "123456789012"), "distinct");
    }

    @Test
    void rejectsRowCountsOutsideTheSupportedRange() {
        assertRejected(() -> new GeneratorSpec(1, 0, 3, 1, SEPTEMBER, "123456789012"), "rows");
        assertRejected(() -> new GeneratorSpec(1, GeneratorSpec.MAX_ROWS_PER_PERIOD + 1, 3, 1, SEPTEMBER,
                "123456789012"), "rows");
        assertRejected(() -> new GeneratorSpec(1, 10, 3, 1, SEPTEMBER, "123456789012", 0), "rows per file");
    }

    @Test
    void consecutivePeriodsCrossTheYear() {
        assertThat(GeneratorSpec.consecutive(YearMonth.of(2024, 11), 3))
                .containsExactly(YearMonth.of(2024, 11), YearMonth.of(2024, 12), YearMonth.of(2025, 1));
    }

    @Test
    void formatsParseFromTheirCommandLineNames() {
        assertThat(Format.fromCliName("cur-csv")).isEqualTo(Format.CUR_CSV_GZ);
        assertThat(Format.fromCliName(" CUR-Parquet ")).isEqualTo(Format.CUR_PARQUET);
        assertThat(Format.fromCliName("focus")).isEqualTo(Format.FOCUS_CSV_GZ);
        assertThat(Format.fromCliName("focus-parquet")).isEqualTo(Format.FOCUS_PARQUET);
        assertRejected(() -> Format.fromCliName("xlsx"), "cur-csv, cur-parquet, focus, focus-parquet");
    }

    private static void assertRejected(Runnable action, String messagePart) {
        assertThatThrownBy(action::run)
                .isInstanceOf(RebillException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((RebillException) e).code()).isEqualTo(ErrorCode.BAD_ARGUMENT));
    }
}

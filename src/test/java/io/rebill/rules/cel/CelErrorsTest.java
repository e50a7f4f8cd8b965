package io.rebill.rules.cel;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What a user is told about a condition that cannot be compiled: the condition, where, and what is wrong. */
class CelErrorsTest {
    /** Issue 14 item 9: a 10,000-character condition is not echoed back whole; the part around the problem is. */
    @Test
    void anOverLongConditionIsShownAsAnExcerptAroundTheProblem() {
        String blob = "x".repeat(10_000);
        String condition = "line.region_id == '" + blob + "' && line.regoin_id == 'b'";
        String message = error(condition);
        assertThat(message).hasSizeLessThan(400).doesNotContain("x".repeat(101))
                .startsWith("condition `...xxx").contains("' && line.regoin_id == 'b'`")
                .contains("(" + condition.length() + " characters, shown from character ")
                .endsWith("at column 10030: no field 'regoin_id' on line; did you mean region_id?");
        // with no place to point at, the start is shown
        assertThat(error(" ".repeat(300))).hasSizeLessThan(400)
                .contains("(300 characters, shown from character 1)").endsWith("the condition is empty;"
                        + " write one such as line.region_id == 'us-east-1'");
    }

    @Test
    void misspeltFieldSuggestsTheRightOne() {
        assertThat(error("line.regoin_id == 'us-east-1'")).isEqualTo(
                "condition `line.regoin_id == 'us-east-1'` at column 6: no field 'regoin_id' on line;"
                        + " did you mean region_id?");
    }

    @Test
    void focusNamesAreMappedToTheCanonicalOnes() {
        assertThat(error("line.BilledCost > 1.0"))
                .endsWith("at column 6: no field 'BilledCost' on line; did you mean billed_cost?");
    }

    @Test
    void aNameFarFromAnyFieldListsTheFields() {
        assertThat(error("has(line.owner)"))
                .contains("at column 10: no field 'owner' on line; the fields are billing_period, ")
                .contains("tags", "list_unit_price");
    }

    @Test
    void aFieldWithoutLineSaysHowToWriteIt() {
        assertThat(error("region_id == 'eu-west-1'")).isEqualTo("condition `region_id == 'eu-west-1'` at column 1:"
                + " unknown name 'region_id'; a field of the line is written line.region_id");
    }

    @Test
    void syntaxErrorsGiveTheColumn() {
        assertThat(error("line.region_id == ")).isEqualTo(
                "condition `line.region_id == ` at column 19: syntax error: the condition ends too early");
        assertThat(error("line.region_id = 'a'"))
                .startsWith("condition `line.region_id = 'a'` at column 16: syntax error:");
    }

    @Test
    void aConditionMustBeBoolean() {
        assertThat(error("line.billed_cost")).isEqualTo(
                "condition `line.billed_cost` at column 5: a condition must be true or false, but this is a decimal"
                        + " number");
        assertThat(error("line.region_id")).endsWith("but this is a string");
        assertThat(error("line")).endsWith("but this is the whole line");
    }

    @Test
    void multiLineConditionsGiveLineAndColumn() {
        assertThat(error("line.region_id == 'a' &&\n  line.regoin_id == 'b'"))
                .contains("at line 2, column 8: no field 'regoin_id' on line; did you mean region_id?");
    }

    @Test
    void typeErrorsSpeakOfDecimalsAndSuggestADecimalLiteral() {
        assertThat(error("line.billed_cost == 0")).isEqualTo("condition `line.billed_cost == 0` at column 18:"
                + " found no matching overload for '==' applied to '(decimal, int)'; next to a decimal field write a"
                + " decimal literal, 2.0 rather than 2");
        assertThat(error("line.region_id > 3")).contains("'>' applied to '(string, int)'");
    }

    @Test
    void unsupportedLanguageIsNamed() {
        assertThat(error("line.billed_cost / 2.0 > 1.0")).endsWith("division is not supported in billing rules");
        assertThat(error("[1, 2].exists(x, x > 1)"))
                .endsWith("macros such as exists(), all(), map() and filter() are not supported in billing rules");
        assertThat(error("line.region_id + '-x' == 'a-x'")).endsWith("joining strings with + is not supported in"
                + " billing rules");
        assertThat(error("line.charge_period_start.getHours('Europe/Paris') == 1"))
                .endsWith("time zones are not supported in billing rules: billing timestamps are UTC, write"
                        + " getHours() without an argument");
        assertThat(error("line.charge_period_start > timestamp('2024-01-01T00:00:00Z')"))
                .endsWith("timestamp(...) is not supported in billing rules");
        assertThat(error("line.region_id.lowerAscii() == 'a'")).contains("not supported in billing rules");
        assertThat(error("line.billed_cost > 1u")).endsWith("unsigned integers (1u) are not supported in billing"
                + " rules");
        assertThat(error("line.tags[line.region_id] == 'a'"))
                .endsWith("a tag key must be a string literal, as in line.tags['team']");
        assertThat(error("line.region_id in ['a', line.service_name]"))
                .endsWith("the list after 'in' may only hold literal values (not null or expressions)");
    }

    @Test
    void badRegularExpressionsAreReportedWhenCompiling() {
        assertThat(error("line.region_id.matches('us-(east')"))
                .startsWith("condition `line.region_id.matches('us-(east')` at column 24: invalid regular expression");
        assertThat(error("line.region_id.matches(line.service_name)"))
                .endsWith("the pattern of matches() must be a string literal");
    }

    @Test
    void numbersBeyondWhatIsStoredAreRejected() {
        assertThat(error("line.billed_cost > 0.0000000000000000000000001"))
                .endsWith("has more than 24 decimal places, more than Rebill stores");
        assertThat(error("line.billed_cost < 1e20")).endsWith("has more than 14 digits before the decimal point,"
                + " more than Rebill stores");
        assertThat(error("line.billed_cost * line.list_cost > 1.0"))
                .contains("this product needs 48 decimal places to be exact, more than the 30");
    }

    @Test
    void emptyConditions() {
        assertThat(error("  ")).isEqualTo(
                "condition `  `: the condition is empty; write one such as line.region_id == 'us-east-1'");
    }

    private static String error(String expression) {
        RebillException e = catchThrowableOfType(RebillException.class, () -> CelSql.compile(expression));
        assertThat(e).as("compiling %s", expression).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_EXPRESSION);
        return e.getMessage();
    }
}

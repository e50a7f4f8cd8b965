package io.rebill.rules;

import io.rebill.rules.cel.CelSql;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The bill's CEL compiler compiles a condition once per bill, and a remembered condition is the same condition. */
class PredicateCompilerTest {
    @Test
    void aConditionAskedForAgainIsTheSameSqlAndValuesAsCompilingItAfresh() {
        PredicateCompiler compiler = PredicateCompiler.cel();
        String condition = "line.region_id.startsWith('eu-') && line.billed_cost > 0.5";
        PredicateCompiler.Compiled first = compiler.compile(condition);
        var fresh = CelSql.compile(condition);
        assertThat(first.sql()).isEqualTo(fresh.sql());
        assertThat(first.params()).isEqualTo(fresh.parameters()).isNotEmpty();
        assertThat(compiler.compile(condition)).isSameAs(first);
        assertThat(compiler.compile("line.region_id == 'eu-west-1'").params()).containsExactly("eu-west-1");
    }

    @Test
    void aBadConditionIsReportedEveryTimeItIsAsked() {
        PredicateCompiler compiler = PredicateCompiler.cel();
        for (int i = 0; i < 2; i++) {
            RebillException e = catchThrowableOfType(RebillException.class,
                    () -> compiler.compile("line.regoin_id == 'x'"));
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_EXPRESSION);
            assertThat(e.getMessage()).endsWith("no field 'regoin_id' on line; did you mean region_id?");
        }
    }
}

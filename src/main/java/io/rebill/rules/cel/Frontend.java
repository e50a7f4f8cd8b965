package io.rebill.rules.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and type-checks a condition with cel-java, then hands the checked tree to {@link Translator}. Names are
 * checked on the parsed tree before CEL's checker runs so that a misspelt field gets a suggestion instead of CEL's
 * "undefined field".
 */
final class Frontend {
    /** Immutable and thread-safe: one for the process. */
    private static final CelCompiler CEL = CelCompilerFactory.standardCelCompilerBuilder()
            // `line.billed_cost > 0` compares a double with an int; CEL allows that only with this option.
            .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
            // All macros parse, so that exists() & co. are reported as unsupported rather than as unknown names.
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(LineSchema.TYPES)
            .addVar(LineSchema.VARIABLE, LineSchema.TYPE)
            .build();

    private static final Pattern EXPECTING = Pattern.compile("\\s*expecting \\{[^}]*}");
    private static final Pattern QUOTED_FUNCTION = Pattern.compile("'(_[^' ]*_|[!-]_|@in)'");
    private static final Map<String, String> TYPE_NAMES = Map.of(
            "wrapper(double)", "decimal",
            "wrapper(string)", "string",
            "google.protobuf.Timestamp", "timestamp",
            "rebill.Line", "line",
            "null_type", "null");

    private Frontend() {
    }

    static Node compile(String expression) {
        Objects.requireNonNull(expression, "expression");
        if (expression.isBlank()) {
            throw Problems.whole(expression, "the condition is empty; write one such as line.region_id == 'us-east-1'");
        }
        CelValidationResult parsed = CEL.parse(expression);
        if (parsed.hasError()) {
            CelIssue first = parsed.getErrors().get(0);
            throw new Problems(expression, parsed.getSource())
                    .atLocation(first.getSourceLocation(), syntaxError(first.getMessage()));
        }
        CelAbstractSyntaxTree ast = ast(parsed);
        Problems problems = new Problems(expression, ast.getSource());
        checkNames(ast.getExpr(), problems, expression);

        CelValidationResult checked = CEL.check(ast);
        if (checked.hasError()) {
            CelIssue first = checked.getErrors().get(0);
            throw problems.atLocation(first.getSourceLocation(), typeError(first.getMessage()));
        }
        CelAbstractSyntaxTree typed = ast(checked);
        CelType result = typed.getResultType();
        if (result.kind() != CelKind.BOOL) {
            throw problems.at(typed.getExpr(),
                    "a condition must be true or false, but this is " + describe(result));
        }
        return new Translator(expression, problems).condition(typed.getExpr());
    }

    private static CelAbstractSyntaxTree ast(CelValidationResult result) {
        try {
            return result.getAst();
        } catch (CelValidationException e) {
            throw new IllegalStateException("CEL reported no error but gave no tree", e);
        }
    }

    /** Unknown names and fields of {@code line}, and macros, found before type checking. */
    private static void checkNames(CelExpr e, Problems problems, String expression) {
        switch (e.getKind()) {
            case COMPREHENSION -> throw problems.at(e,
                    "macros such as exists(), all(), map() and filter() are not supported in billing rules");
            case IDENT -> {
                String name = e.ident().name();
                if (!name.equals(LineSchema.VARIABLE)) {
                    throw problems.at(e, LineSchema.field(name).isPresent()
                            ? "unknown name '" + name + "'; a field of the line is written line." + name
                            : "unknown name '" + name + "'; a condition reads the line's fields, as in line.region_id");
                }
            }
            case SELECT -> {
                CelExpr operand = e.select().operand();
                String field = e.select().field();
                if (isLine(operand) && LineSchema.field(field).isEmpty()) {
                    throw problems.atOffset(fieldOffset(expression, problems.offset(e), field),
                            "no field '" + field + "' on line" + LineSchema.suggestion(field));
                }
                checkNames(operand, problems, expression);
            }
            case CALL -> {
                e.call().target().ifPresent(t -> checkNames(t, problems, expression));
                e.call().args().forEach(a -> checkNames(a, problems, expression));
            }
            case LIST -> e.list().elements().forEach(a -> checkNames(a, problems, expression));
            case MAP -> e.map().entries().forEach(entry -> {
                checkNames(entry.key(), problems, expression);
                checkNames(entry.value(), problems, expression);
            });
            case STRUCT -> e.struct().entries().forEach(entry -> checkNames(entry.value(), problems, expression));
            case CONSTANT, NOT_SET -> {
            }
        }
    }

    static boolean isLine(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.IDENT && e.ident().name().equals(LineSchema.VARIABLE);
    }

    /** Where the field's name starts: CEL records a select at its dot, and has(line.x) at the parenthesis. */
    private static int fieldOffset(String expression, int selectOffset, String field) {
        if (selectOffset < 0) {
            return selectOffset;
        }
        int from = expression.offsetByCodePoints(0, Math.min(selectOffset, expression.codePointCount(0,
                expression.length())));
        int at = expression.indexOf(field, from);
        return at < 0 ? selectOffset : expression.codePointCount(0, at);
    }

    private static String syntaxError(String message) {
        String text = message.replaceFirst("(?i)^syntax error:\\s*", "");
        if (text.contains("<EOF>")) {
            return "syntax error: the condition ends too early";
        }
        return "syntax error: " + EXPECTING.matcher(text).replaceAll("");
    }

    /** CEL's checker message in the words of a billing condition: decimal for double, == for _==_. */
    static String typeError(String message) {
        String text = message.replace(" (in container '')", "").replaceAll("\\s*\\(candidates: .*\\)$", "")
                // names were checked before, so what the checker cannot find is a function CEL or Rebill lacks
                .replaceAll("^undeclared reference to '([^']*)'$",
                        "the function $1() is not supported in billing rules");
        Matcher m = QUOTED_FUNCTION.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement("'" + operator(m.group(1)) + "'"));
        }
        m.appendTail(b);
        text = typeNames(b.toString());
        if (text.contains("no matching overload") && text.contains("decimal") && text.contains("int")) {
            text += "; next to a decimal field write a decimal literal, 2.0 rather than 2";
        }
        return text;
    }

    private static String operator(String function) {
        return switch (function) {
            case "@in" -> "in";
            case "_?_:_" -> "?:";
            case "_[_]" -> "[]";
            default -> function.replace("_", "");
        };
    }

    private static String typeNames(String text) {
        String out = text;
        for (Map.Entry<String, String> e : TYPE_NAMES.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out.replaceAll("\\bdouble\\b", "decimal");
    }

    private static String describe(CelType type) {
        return switch (type.kind()) {
            case STRING -> "a string";
            case DOUBLE -> "a decimal number";
            case INT, UINT -> "an integer";
            case TIMESTAMP -> "a timestamp";
            case MAP -> "a map";
            case LIST -> "a list";
            case STRUCT -> type.name().equals(LineSchema.TYPE.name()) ? "the whole line" : "a " + type.name();
            case NULL_TYPE -> "null";
            default -> "of type " + typeNames(type.name());
        };
    }
}

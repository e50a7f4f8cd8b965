package io.rebill.rules.cel;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import io.rebill.ingestion.CanonicalColumn;
import io.rebill.rules.cel.Node.Comparison;
import io.rebill.rules.cel.Node.Operator;
import io.rebill.rules.cel.Node.StringFunction;
import io.rebill.rules.cel.Node.TimestampPart;
import io.rebill.shared.errors.RebillException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a type-checked CEL tree into a {@link Node} tree, rejecting everything outside the billing subset with a
 * message that says what is not supported and where. Kinds come from the line's schema and the literals, not from
 * CEL's types, so an int meeting a decimal is made explicit here ({@link Node.ToDecimal}).
 */
final class Translator {
    private final String expression;
    private final Problems problems;
    private final NumberLiterals numbers;

    Translator(String expression, Problems problems) {
        this.expression = expression;
        this.problems = problems;
        this.numbers = new NumberLiterals(expression, problems);
    }

    Node condition(CelExpr root) {
        return expect(root, node(root), Kind.BOOL);
    }

    private Node node(CelExpr e) {
        return switch (e.getKind()) {
            case CONSTANT -> literal(e);
            case IDENT -> throw problems.at(e,
                    "'line' on its own is not a value; name one of its fields, as in line.region_id");
            case SELECT -> select(e);
            case CALL -> call(e);
            case LIST -> throw problems.at(e,
                    "a list may only follow 'in', as in line.region_id in ['us-east-1', 'us-east-2']");
            case MAP, STRUCT -> throw notSupported(e, "map and message literals are");
            case COMPREHENSION -> throw notSupported(e, "macros such as exists(), all(), map() and filter() are");
            case NOT_SET -> throw new IllegalStateException("empty expression node in " + expression);
        };
    }

    private Node literal(CelExpr e) {
        CelConstant c = e.constant();
        return switch (c.getKind()) {
            case BOOLEAN_VALUE -> new Node.Literal(c.booleanValue(), Kind.BOOL);
            case INT64_VALUE -> new Node.Literal(c.int64Value(), Kind.INT);
            case DOUBLE_VALUE -> numbers.decimal(e, numbers.exact(e));
            case STRING_VALUE -> new Node.Literal(c.stringValue(), Kind.STRING);
            case NULL_VALUE -> throw problems.at(e, "null may only be compared with == or !=, as in "
                    + "line.region_id == null");
            case UINT64_VALUE -> throw notSupported(e, "unsigned integers (1u) are");
            case BYTES_VALUE -> throw notSupported(e, "bytes literals are");
            case TIMESTAMP_VALUE, DURATION_VALUE -> throw notSupported(e, "timestamp and duration literals are");
            case NOT_SET -> throw new IllegalStateException("constant without value in " + expression);
        };
    }

    private Node select(CelExpr e) {
        CelExpr.CelSelect select = e.select();
        CelExpr operand = select.operand();
        if (Frontend.isLine(operand)) {
            Node field = field(e, select.field());
            if (!select.testOnly()) {
                return field;
            }
            // a line without tags (NULL) has no tags: has(line.tags) asks for at least one, as CEL's has() on a map
            return field.kind() == Kind.TAGS
                    ? new Node.Compare(Comparison.GT, new Node.Size(field), new Node.Literal(0L, Kind.INT))
                    : new Node.IsNull(field, true);
        }
        if (isTags(operand)) {
            Node.Literal key = new Node.Literal(select.field(), Kind.STRING);
            return select.testOnly() ? new Node.HasTag(key) : new Node.TagValue(key);
        }
        throw notSupported(e, "selecting a field of anything but line or line.tags is");
    }

    private Node field(CelExpr e, String name) {
        CanonicalColumn column = LineSchema.field(name)
                .orElseThrow(() -> problems.at(e, "no field '" + name + "' on line" + LineSchema.suggestion(name)));
        return new Node.Field(column, LineSchema.kind(column));
    }

    private Node call(CelExpr e) {
        CelExpr.CelCall call = e.call();
        String function = call.function();
        List<CelExpr> args = call.args();
        return switch (function) {
            case "_&&_" -> logical(e, true);
            case "_||_" -> logical(e, false);
            case "!_" -> new Node.Not(expect(args.get(0), node(args.get(0)), Kind.BOOL));
            case "_?_:_" -> conditional(e);
            case "_==_" -> equality(e, Comparison.EQ);
            case "_!=_" -> equality(e, Comparison.NE);
            case "_<_" -> ordering(e, Comparison.LT);
            case "_<=_" -> ordering(e, Comparison.LE);
            case "_>_" -> ordering(e, Comparison.GT);
            case "_>=_" -> ordering(e, Comparison.GE);
            case "@in" -> in(e);
            case "_+_" -> arithmetic(e, Operator.ADD);
            case "_-_" -> arithmetic(e, Operator.SUBTRACT);
            case "_*_" -> arithmetic(e, Operator.MULTIPLY);
            case "_%_" -> arithmetic(e, Operator.MODULO);
            case "_/_" -> throw notSupported(e, "division is");
            case "-_" -> negate(e);
            case "_[_]" -> index(e);
            case "startsWith" -> stringTest(e, StringFunction.STARTS_WITH);
            case "endsWith" -> stringTest(e, StringFunction.ENDS_WITH);
            case "contains" -> stringTest(e, StringFunction.CONTAINS);
            case "matches" -> matches(e);
            case "size" -> size(e);
            case "timestamp", "duration" -> throw notSupported(e, function + "(...) is");
            default -> TimestampPart.byFunction(function)
                    .map(part -> timePart(e, part))
                    .orElseThrow(() -> notSupported(e, "the function " + function + "() is"));
        };
    }

    private Node logical(CelExpr e, boolean and) {
        List<CelExpr> args = e.call().args();
        Node result = expect(args.get(0), node(args.get(0)), Kind.BOOL);
        for (CelExpr arg : args.subList(1, args.size())) {
            Node next = expect(arg, node(arg), Kind.BOOL);
            result = and ? new Node.And(result, next) : new Node.Or(result, next);
        }
        return result;
    }

    private Node conditional(CelExpr e) {
        List<CelExpr> args = e.call().args();
        Node condition = expect(args.get(0), node(args.get(0)), Kind.BOOL);
        Node then = node(args.get(1));
        Node otherwise = node(args.get(2));
        if (then.kind() == Kind.TAGS || otherwise.kind() == Kind.TAGS) {
            throw notSupported(e, "choosing between tag maps is");
        }
        if (then.kind() != otherwise.kind()) {
            throw problems.at(e, "both branches of ?: must have one kind, but they are " + then.kind().celName()
                    + " and " + otherwise.kind().celName());
        }
        return new Node.Conditional(condition, then, otherwise);
    }

    private Node equality(CelExpr e, Comparison op) {
        CelExpr left = e.call().args().get(0);
        CelExpr right = e.call().args().get(1);
        boolean leftNull = isNull(left);
        boolean rightNull = isNull(right);
        if (leftNull && rightNull) {
            return new Node.Literal(op == Comparison.EQ, Kind.BOOL);
        }
        if (leftNull || rightNull) {
            CelExpr other = leftNull ? right : left;
            Node operand = node(other);
            if (operand.kind() == Kind.TAGS) {
                throw notSupported(e, "comparing line.tags with null is");
            }
            return new Node.IsNull(operand, op == Comparison.NE);
        }
        return compare(e, op, left, right);
    }

    private Node ordering(CelExpr e, Comparison op) {
        return compare(e, op, e.call().args().get(0), e.call().args().get(1));
    }

    private Node compare(CelExpr e, Comparison op, CelExpr leftExpr, CelExpr rightExpr) {
        Node left = node(leftExpr);
        Node right = node(rightExpr);
        if (left.kind() == Kind.TAGS || right.kind() == Kind.TAGS) {
            throw notSupported(e, "comparing line.tags as a whole is");
        }
        if (left.kind() == Kind.INT && right.kind() == Kind.DECIMAL) {
            left = toDecimal(leftExpr, left);
        } else if (left.kind() == Kind.DECIMAL && right.kind() == Kind.INT) {
            right = toDecimal(rightExpr, right);
        }
        if (left.kind() != right.kind()) {
            throw problems.at(e, "cannot compare " + left.kind().celName() + " with " + right.kind().celName());
        }
        return new Node.Compare(op, left, right);
    }

    private Node in(CelExpr e) {
        CelExpr elementExpr = e.call().args().get(0);
        CelExpr container = e.call().args().get(1);
        if (isTags(container)) {
            return new Node.HasTag(tagKey(elementExpr));
        }
        if (container.getKind() != CelExpr.ExprKind.Kind.LIST) {
            throw problems.at(e, "'in' needs a list literal or line.tags on its right, as in "
                    + "line.region_id in ['us-east-1', 'us-east-2'] or 'team' in line.tags");
        }
        Node operand = node(elementExpr);
        List<CelExpr> elements = container.list().elements();
        Kind kind = operand.kind();
        if (kind == Kind.INT && elements.stream().anyMatch(x -> constantKind(x) == CelConstant.Kind.DOUBLE_VALUE)) {
            operand = new Node.ToDecimal(operand);
            kind = Kind.DECIMAL;
        }
        if (kind == Kind.TIMESTAMP || kind == Kind.TAGS) {
            throw notSupported(e, "'in' over a " + kind.celName() + " is");
        }
        List<Node.Literal> values = new ArrayList<>();
        for (CelExpr element : elements) {
            values.add(listValue(element, kind));
        }
        return new Node.InList(operand, values);
    }

    private Node.Literal listValue(CelExpr element, Kind kind) {
        if (element.getKind() != CelExpr.ExprKind.Kind.CONSTANT || isNull(element)) {
            throw problems.at(element, "the list after 'in' may only hold literal values (not null or expressions)");
        }
        Node value = literal(element);
        if (value.kind() == Kind.INT && kind == Kind.DECIMAL) {
            value = toDecimal(element, value);
        }
        if (value.kind() != kind) {
            throw problems.at(element, "the list after 'in' must hold " + kind.celName() + " values like the value"
                    + " it is tested against, but this is " + value.kind().celName());
        }
        return (Node.Literal) value;
    }

    private Node arithmetic(CelExpr e, Operator op) {
        CelExpr leftExpr = e.call().args().get(0);
        CelExpr rightExpr = e.call().args().get(1);
        Node left = node(leftExpr);
        Node right = node(rightExpr);
        if (left.kind() == Kind.STRING) {
            throw notSupported(e, "joining strings with + is");
        }
        if (left.kind() != right.kind() || (left.kind() != Kind.INT && left.kind() != Kind.DECIMAL)) {
            throw notSupported(e, "arithmetic on " + left.kind().celName() + " and " + right.kind().celName() + " is");
        }
        if (op == Operator.MODULO && right instanceof Node.Literal l && ((Long) l.value()) == 0L) {
            throw problems.at(e, "% 0 divides by zero");
        }
        Node result = new Node.Arithmetic(op, left, right);
        if (result.kind() == Kind.DECIMAL && Node.scale(result) > Decimals.MAX_SCALE) {
            throw problems.at(e, "this product needs " + Node.scale(result) + " decimal places to be exact, more"
                    + " than the " + Decimals.MAX_SCALE + " Rebill computes with; multiply by a number with fewer"
                    + " decimal places (a field has " + Decimals.COLUMN_SCALE + ")");
        }
        return result;
    }

    private Node negate(CelExpr e) {
        Node operand = node(e.call().args().get(0));
        if (operand.kind() != Kind.INT && operand.kind() != Kind.DECIMAL) {
            throw notSupported(e, "negating a " + operand.kind().celName() + " is");
        }
        return new Node.Negate(operand);
    }

    private Node index(CelExpr e) {
        if (!isTags(e.call().args().get(0))) {
            throw notSupported(e, "indexing anything but line.tags is");
        }
        return new Node.TagValue(tagKey(e.call().args().get(1)));
    }

    private Node.Literal tagKey(CelExpr key) {
        if (constantKind(key) != CelConstant.Kind.STRING_VALUE) {
            throw problems.at(key, "a tag key must be a string literal, as in line.tags['team']");
        }
        return new Node.Literal(key.constant().stringValue(), Kind.STRING);
    }

    private Node stringTest(CelExpr e, StringFunction function) {
        CelExpr.CelCall call = e.call();
        if (call.target().isEmpty() || call.args().size() != 1) {
            throw notSupported(e, "this form of " + call.function() + "() is");
        }
        Node text = expect(call.target().get(), node(call.target().get()), Kind.STRING);
        Node argument = expect(call.args().get(0), node(call.args().get(0)), Kind.STRING);
        return new Node.StringTest(function, text, argument);
    }

    private Node matches(CelExpr e) {
        CelExpr.CelCall call = e.call();
        List<CelExpr> operands = new ArrayList<>();
        call.target().ifPresent(operands::add);
        operands.addAll(call.args());
        Node text = expect(operands.get(0), node(operands.get(0)), Kind.STRING);
        CelExpr patternExpr = operands.get(1);
        if (constantKind(patternExpr) != CelConstant.Kind.STRING_VALUE) {
            throw problems.at(patternExpr, "the pattern of matches() must be a string literal");
        }
        String pattern = patternExpr.constant().stringValue();
        try {
            return new Node.Matches(text, new Node.Literal(pattern, Kind.STRING), Pattern.compile(pattern));
        } catch (PatternSyntaxException ex) {
            throw problems.at(patternExpr, "invalid regular expression (RE2 syntax): " + ex.getMessage());
        }
    }

    private Node size(CelExpr e) {
        CelExpr.CelCall call = e.call();
        CelExpr operandExpr = call.target().orElseGet(() -> call.args().get(0));
        Node operand = node(operandExpr);
        if (operand.kind() != Kind.STRING && operand.kind() != Kind.TAGS) {
            throw notSupported(e, "size() of a " + operand.kind().celName() + " is");
        }
        return new Node.Size(operand);
    }

    private Node timePart(CelExpr e, TimestampPart part) {
        CelExpr.CelCall call = e.call();
        if (call.target().isEmpty()) {
            throw notSupported(e, "this form of " + part.function() + "() is");
        }
        if (!call.args().isEmpty()) {
            throw problems.at(e, "time zones are not supported in billing rules: billing timestamps are UTC, "
                    + "write " + part.function() + "() without an argument");
        }
        Node timestamp = node(call.target().get());
        if (timestamp.kind() != Kind.TIMESTAMP) {
            throw notSupported(e, part.function() + "() on a " + timestamp.kind().celName() + " is");
        }
        return new Node.TimePart(part, timestamp);
    }

    private Node toDecimal(CelExpr e, Node intNode) {
        if (intNode instanceof Node.Literal l) {
            return numbers.decimal(e, BigDecimal.valueOf((Long) l.value()));
        }
        return new Node.ToDecimal(intNode);
    }

    private Node expect(CelExpr e, Node node, Kind kind) {
        if (node.kind() != kind) {
            throw problems.at(e, "expected " + kind.celName() + " here, but this is " + node.kind().celName());
        }
        return node;
    }

    private static boolean isTags(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.SELECT && !e.select().testOnly()
                && Frontend.isLine(e.select().operand())
                && LineSchema.field(e.select().field()).filter(c -> LineSchema.kind(c) == Kind.TAGS).isPresent();
    }

    private static boolean isNull(CelExpr e) {
        return constantKind(e) == CelConstant.Kind.NULL_VALUE;
    }

    private static CelConstant.Kind constantKind(CelExpr e) {
        return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT ? e.constant().getKind() : CelConstant.Kind.NOT_SET;
    }

    private RebillException notSupported(CelExpr e, String what) {
        return problems.at(e, what + " not supported in billing rules");
    }
}

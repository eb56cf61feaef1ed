package dev.faucet.engine.expr;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelErrorCode;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns CEL's evaluation errors into messages for people. CEL says "No matching overload for function '_*_'" at a
 * character offset; this finds the node at that offset and, on this error path only, evaluates the expression again
 * with a trace to learn the values around it, so the message can say "on string and int" or "field 'customer.tier'
 * is absent". Immutable and thread-safe: each failure traces with its own listener.
 */
final class EvaluationFailure {

    private static final Pattern CEL_MESSAGE =
        Pattern.compile("evaluation error(?: at .*?:(\\d+))?: (.*)", Pattern.DOTALL);
    private static final Pattern OVERLOAD =
        Pattern.compile("No matching overload for function '([^']+)'.*", Pattern.DOTALL);
    private static final Pattern MISSING_KEY = Pattern.compile("key '(.*)' is not present in map\\.");
    private static final Pattern NOT_A_NUMBER = Pattern.compile("[Ff]or input string: (.*)", Pattern.DOTALL);
    private static final Pattern NOT_A_MAP = Pattern.compile("Error resolving field '(.*)'\\. Field selections.*");

    private final CelAbstractSyntaxTree ast;
    private final CelRuntime.Program program;
    private final Map<Long, CelExpr> byId = new HashMap<>();

    EvaluationFailure(CelAbstractSyntaxTree ast, CelRuntime.Program program) {
        this.ast = ast;
        this.program = program;
        index(ast.getExpr());
    }

    /** What went wrong, without the expression (the caller prefixes it). */
    String describe(CelEvaluationException e, CelVariableResolver variables) {
        Matcher m = CEL_MESSAGE.matcher(String.valueOf(e.getMessage()));
        int offset = m.matches() && m.group(1) != null ? Integer.parseInt(m.group(1)) : -1;
        String detail = m.matches() ? m.group(2) : String.valueOf(e.getMessage());
        CelErrorCode code = e.getErrorCode();
        String described = switch (code) {
            case OVERLOAD_NOT_FOUND -> noOverload(detail, offset, variables);
            case ATTRIBUTE_NOT_FOUND -> attributeNotFound(detail, offset, variables);
            case INDEX_OUT_OF_BOUNDS -> outOfBounds(detail, offset, variables);
            case DIVIDE_BY_ZERO -> detail.contains("%") || detail.contains("modulus") ? "modulus by zero"
                : "division by zero";
            default -> NOT_A_NUMBER.matcher(detail).matches()
                ? NOT_A_NUMBER.matcher(detail).replaceFirst("$1 is not a number") : null;
        };
        return described != null ? described : lowerFirst(detail);
    }

    private String noOverload(String detail, int offset, CelVariableResolver variables) {
        Matcher m = OVERLOAD.matcher(detail);
        if (!m.matches()) {
            return null;
        }
        String function = m.group(1);
        Map<Long, Object> traced = trace(variables);
        for (CelExpr call : nodesAt(offset)) {
            if (call.exprKind().getKind() == CelExpr.ExprKind.Kind.CALL && call.call().function().equals(function)) {
                List<CelExpr> operands = operands(call);
                if (operands.stream().allMatch(o -> traced.containsKey(o.id()))) {
                    return "no matching overload for '" + function + "' on " + typeList(operands, traced);
                }
            }
        }
        return "no matching overload for '" + function + "'";
    }

    private String attributeNotFound(String detail, int offset, CelVariableResolver variables) {
        Matcher missing = MISSING_KEY.matcher(detail);
        Matcher notMap = NOT_A_MAP.matcher(detail);
        for (CelExpr node : nodesAt(offset)) {
            if (node.exprKind().getKind() == CelExpr.ExprKind.Kind.SELECT) {
                if (missing.matches()) {
                    return "field '" + path(node) + "' is absent";
                }
                if (notMap.matches()) {
                    Object operand = trace(variables).get(node.select().operand().id());
                    return "field '" + path(node) + "' cannot be read: '" + path(node.select().operand()) + "' is "
                        + article(CelValues.typeName(operand)) + ", not an object";
                }
            }
            if (isIndex(node)) {
                return "field '" + path(node) + "' is absent";
            }
        }
        return missing.matches() ? "field '" + missing.group(1) + "' is absent" : null;
    }

    private String outOfBounds(String detail, int offset, CelVariableResolver variables) {
        for (CelExpr node : nodesAt(offset)) {
            if (isIndex(node)) {
                Object list = trace(variables).get(node.call().args().get(0).id());
                String size = list instanceof List<?> l ? " (it has " + l.size() + " elements)" : "";
                return lowerFirst(detail) + " in " + path(node.call().args().get(0)) + size;
            }
        }
        return null;
    }

    /** Evaluates again, recording the last value of every node; the evaluation fails again, as before. */
    private Map<Long, Object> trace(CelVariableResolver variables) {
        Map<Long, Object> values = new HashMap<>();
        try {
            program.trace(variables, (expr, value) -> values.put(expr.id(), value));
        } catch (CelEvaluationException | RuntimeException expected) {
            // the same failure as the first evaluation; the trace so far is what we wanted
        }
        return values;
    }

    private List<CelExpr> nodesAt(int offset) {
        List<CelExpr> nodes = new ArrayList<>();
        ast.getSource().getPositionsMap().forEach((id, position) -> {
            if (position == offset && byId.containsKey(id)) {
                nodes.add(byId.get(id));
            }
        });
        return nodes;
    }

    private void index(CelExpr e) {
        byId.put(e.id(), e);
        switch (e.exprKind().getKind()) {
            case SELECT -> index(e.select().operand());
            case CALL -> operands(e).forEach(this::index);
            case LIST -> e.list().elements().forEach(this::index);
            case MAP -> e.map().entries().forEach(entry -> {
                index(entry.key());
                index(entry.value());
            });
            case STRUCT -> e.struct().entries().forEach(entry -> index(entry.value()));
            case COMPREHENSION -> {
                index(e.comprehension().iterRange());
                index(e.comprehension().accuInit());
                index(e.comprehension().loopCondition());
                index(e.comprehension().loopStep());
                index(e.comprehension().result());
            }
            default -> {
            }
        }
    }

    private static List<CelExpr> operands(CelExpr call) {
        List<CelExpr> operands = new ArrayList<>();
        call.call().target().ifPresent(operands::add);
        operands.addAll(call.call().args());
        return operands;
    }

    private static String typeList(List<CelExpr> operands, Map<Long, Object> traced) {
        List<String> types = operands.stream().map(o -> CelValues.typeName(traced.get(o.id()))).toList();
        if (types.size() <= 1) {
            return String.join("", types);
        }
        return String.join(", ", types.subList(0, types.size() - 1)) + " and " + types.get(types.size() - 1);
    }

    private static boolean isIndex(CelExpr node) {
        return node.exprKind().getKind() == CelExpr.ExprKind.Kind.CALL && node.call().function().equals("_[_]")
            && node.call().args().size() == 2;
    }

    /** The node as a field path, for messages: {@code customer.tier}, {@code value['first-name']}, {@code items[2]}. */
    static String path(CelExpr node) {
        return switch (node.exprKind().getKind()) {
            case IDENT -> node.ident().name();
            case SELECT -> path(node.select().operand()) + "." + node.select().field();
            case CONSTANT -> constantText(node.constant());
            case CALL -> isIndex(node) ? path(node.call().args().get(0)) + "[" + path(node.call().args().get(1)) + "]"
                : "(...)";
            default -> "(...)";
        };
    }

    private static String constantText(CelConstant constant) {
        return switch (constant.getKind()) {
            case STRING_VALUE -> "'" + constant.stringValue() + "'";
            case INT64_VALUE -> Long.toString(constant.int64Value());
            case DOUBLE_VALUE -> CelValues.numberText(constant.doubleValue());
            default -> Optional.ofNullable(constant.toString()).orElse("?");
        };
    }

    private static String article(String typeName) {
        return typeName.equals("null") ? "null" : ("aeiou".indexOf(typeName.charAt(0)) >= 0 ? "an " : "a ") + typeName;
    }

    static String lowerFirst(String s) {
        if (s.isEmpty() || s.length() > 1 && Character.isUpperCase(s.charAt(1))) {
            return s;
        }
        return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
    }
}

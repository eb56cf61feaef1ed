package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A CEL expression, compiled once and evaluated against records.
 *
 * <h2>What an expression sees</h2>
 * <ul>
 *   <li>Every top-level field of the record's value (when it is an object), by its name: {@code amount > 0}.</li>
 *   <li>{@code key} (a string, or null), {@code headers} (a map of strings), {@code timestamp} (milliseconds since the
 *       epoch, a number) and {@code value}, the whole value: non-object values, and fields whose names are not
 *       identifiers, are reached through it ({@code value['first-name']}). These four win over record fields of the
 *       same name; such a field stays reachable as {@code value.key}. Fields named like CEL's reserved words
 *       ({@code in}, {@code if}, {@code for}, ...) or type names ({@code int}, {@code string}, ...) are reached
 *       through {@code value} too.</li>
 *   <li>Objects are maps ({@code customer.tier}, {@code has(customer.tier)}), arrays are lists
 *       ({@code items.exists(i, i.sku == 'A')}), null is null.</li>
 * </ul>
 *
 * <h2>Numbers</h2>
 * Every JSON number reaches the expression as a double, and integer literals mix with them freely: {@code qty + 1},
 * {@code amount * 1.1}, {@code amount == 42} and {@code qty % 2 == 0} all work on a field holding 2 or 2.0. The cost:
 * integers beyond 2^53 lose precision <em>inside expressions</em> (a field no expression rewrites passes through the
 * pipeline untouched). Integer literals alone stay CEL ints ({@code 7 / 2} is 3, {@code qty / 2} is 1.5 for qty 3).
 * {@code string(x)} writes integral numbers without ".0".
 *
 * <h2>Failures</h2>
 * {@link #compile} throws {@link ExpressionException} for a syntax error, an unknown function or a type error it can
 * see. Evaluation throws {@link EvaluationException} for one record: a field the evaluation needs is absent (a field
 * it does not reach, as in {@code true || missing}, does not matter), a value has the wrong type, a filter did not
 * give a boolean.
 *
 * <h2>Threads and cost</h2>
 * Immutable: any number of threads may evaluate one expression at once. Parsing, checking and planning happen once,
 * in {@link #compile}. An evaluation looks up only the fields the expression names, and converts them from JSON only
 * as deep as it reads them. The record's value must not change while an expression evaluates it.
 */
public final class Expression {

    private final String source;
    private final String label;
    private final Set<String> variables;
    private final FreeIdentifiers identifiers;
    private final CelRuntime.Program program;
    private final EvaluationFailure failure;

    private Expression(String source, FreeIdentifiers identifiers, CelAbstractSyntaxTree checked) {
        this.source = source;
        this.label = label(source);
        this.identifiers = identifiers;
        this.variables = identifiers.names();
        this.program = plan(checked, source);
        this.failure = new EvaluationFailure(checked, program);
    }

    /** Parses, checks and plans {@code source}; {@link ExpressionException} if it does not compile. */
    public static Expression compile(String source) {
        Objects.requireNonNull(source, "source");
        if (source.isBlank()) {
            throw new ExpressionException("Syntax error at column 1: the expression is empty", source, 1, 1);
        }
        CelAbstractSyntaxTree parsed = validated(source, "Syntax error",
            () -> ExpressionEnvironment.COMPILER.parse(source).getAst());
        FreeIdentifiers identifiers = FreeIdentifiers.of(parsed.getExpr());
        CelCompilerBuilder checker = ExpressionEnvironment.COMPILER.toCompilerBuilder();
        identifiers.names().forEach(name -> checker.addVar(name, SimpleType.DYN));
        CelAbstractSyntaxTree checked = validated(source, "Error", () -> checker.build().check(parsed).getAst());
        return new Expression(source, identifiers, checked);
    }

    /** The source text, as given. */
    public String source() {
        return source;
    }

    /** The names this expression reads from a record, in order of appearance (for example amount, customer). */
    public Set<String> variables() {
        return variables;
    }

    /**
     * The result as plain Java: Boolean, Double (numbers from the record, and arithmetic on them), Long (integer
     * arithmetic on literals, {@code size()}), String, List, Map, null; rarely byte[], Instant or Duration.
     */
    public Object evaluate(RecordContext record) {
        return CelValues.toJava(run(record));
    }

    /** The result of a condition; {@link EvaluationException} when not a boolean ("gave 42, not true or false"). */
    public boolean test(RecordContext record) {
        Object result = run(record);
        if (result instanceof Boolean b) {
            return b;
        }
        throw new EvaluationException(label + ": gave " + CelValues.describe(result) + ", not true or false");
    }

    /**
     * The result as a new JSON tree the caller owns. Integral doubles up to 2^53 are written as integers
     * ({@code qty + 1} gives 3, not 3.0); maps and lists recursively; timestamps and durations as the protobuf JSON
     * mapping writes them. NaN and the infinities throw {@link EvaluationException}.
     */
    public JsonNode evaluateJson(RecordContext record) {
        return json(run(record));
    }

    /**
     * The result as text, for keys: strings as they are, numbers without ".0" when integral, booleans "true" or
     * "false", null as null, maps and lists as their compact JSON.
     */
    public String evaluateString(RecordContext record) {
        Object result = run(record);
        try {
            return CelValues.toText(result);
        } catch (CelValues.NotJsonException e) {
            throw notJson(e);
        }
    }

    @Override
    public String toString() {
        return source;
    }

    private JsonNode json(Object result) {
        try {
            return CelValues.toJson(result);
        } catch (CelValues.NotJsonException e) {
            throw notJson(e);
        }
    }

    private EvaluationException notJson(CelValues.NotJsonException e) {
        return new EvaluationException(label + ": gave " + e.getMessage() + ", which JSON cannot hold");
    }

    private Object run(RecordContext record) {
        RecordVariables resolver = new RecordVariables(variables, record);
        Object result;
        try {
            result = program.eval(resolver);
        } catch (CelEvaluationException e) {
            throw new EvaluationException(label + ": " + failure.describe(e, resolver), e);
        } catch (RuntimeException e) {
            throw new EvaluationException(label + ": " + e, e);
        }
        if (result instanceof CelUnknownSet unknown) {
            throw new EvaluationException(label + ": " + absent(unknown, record));
        }
        return result;
    }

    private String absent(CelUnknownSet unknown, RecordContext record) {
        List<String> names = unknown.unknownExprIds().stream().map(identifiers::nameOf).filter(Objects::nonNull)
            .distinct().map(name -> "'" + name + "'").toList();
        String fields = names.isEmpty() ? "a field it reads is absent"
            : names.size() == 1 ? "field " + names.get(0) + " is absent"
            : "fields " + String.join(", ", names) + " are absent";
        return record.value().isObject() ? fields
            : fields + " (the value is " + CelValues.typeName(CelValues.fromJson(record.value())) + ", not an object)";
    }

    private static CelRuntime.Program plan(CelAbstractSyntaxTree checked, String source) {
        try {
            return ExpressionEnvironment.RUNTIME.createProgram(checked);
        } catch (CelEvaluationException e) {
            throw new ExpressionException("Error: " + e.getMessage(), source, 0, 0);
        }
    }

    /** The expression as messages quote it: on one line, and cut when long. */
    private static String label(String source) {
        String line = source.strip().replaceAll("\\s+", " ");
        return line.length() <= 80 ? line : line.substring(0, 77) + "...";
    }

    private interface CelStep {
        CelAbstractSyntaxTree run() throws CelValidationException;
    }

    private static CelAbstractSyntaxTree validated(String source, String what, CelStep step) {
        try {
            return step.run();
        } catch (CelValidationException e) {
            CelIssue issue = e.getErrors().get(0);
            int line = Math.max(issue.getSourceLocation().getLine(), 0);
            int column = issue.getSourceLocation().getColumn() + 1;
            String where = column <= 0 ? ""
                : line > 1 ? " at line " + line + ", column " + column
                : " at column " + column;
            String more = e.getErrors().size() > 1 ? " (and " + (e.getErrors().size() - 1) + " more)" : "";
            throw new ExpressionException(what + where + ": " + CompileMessages.tidy(issue.getMessage()) + more,
                source, column <= 0 ? 0 : line, Math.max(column, 0));
        }
    }
}

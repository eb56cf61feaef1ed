package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;

/** TEMPORARY STUB (replaced by branch expr): only "true", "false" and a bare field name. */
public final class Expression {
    private final String source;

    private Expression(String source) {
        this.source = source;
    }

    public static Expression compile(String source) {
        if (source.contains("!")) {
            throw new ExpressionException("syntax error at column " + (source.indexOf('!') + 1));
        }
        return new Expression(source.trim());
    }

    public boolean test(RecordContext r) {
        if (source.equals("true") || source.equals("false")) {
            return Boolean.parseBoolean(source);
        }
        JsonNode v = r.value().get(source);
        if (v == null || !v.isBoolean()) {
            throw new EvaluationException(source + " is not a boolean");
        }
        return v.asBoolean();
    }

    public JsonNode evaluateJson(RecordContext r) {
        JsonNode v = r.value().get(source);
        if (v == null) {
            throw new EvaluationException("field '" + source + "' is absent");
        }
        return v;
    }

    public String evaluateString(RecordContext r) {
        JsonNode v = evaluateJson(r);
        return v.isTextual() ? v.asText() : v.toString();
    }
}

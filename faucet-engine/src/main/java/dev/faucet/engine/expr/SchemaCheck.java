package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** TEMPORARY STUB (replaced by branch expr): checks only "required". */
public final class SchemaCheck {
    private final List<String> required;

    private SchemaCheck(List<String> required) {
        this.required = required;
    }

    public static SchemaCheck compile(String json) {
        try {
            JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            java.util.ArrayList<String> r = new java.util.ArrayList<>();
            n.path("required").forEach(x -> r.add(x.asText()));
            return new SchemaCheck(r);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    public List<String> violations(JsonNode v) {
        return required.stream().filter(f -> !v.has(f)).map(f -> "/: required property '" + f + "' not found")
                .toList();
    }
}

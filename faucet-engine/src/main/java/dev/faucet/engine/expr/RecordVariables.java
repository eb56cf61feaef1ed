package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelVariableResolver;
import java.util.Optional;
import java.util.Set;

/**
 * The variables of one evaluation: {@code key}, {@code headers}, {@code timestamp}, {@code value}, and every other
 * declared name as the value's top-level field of that name. Values are converted only when the evaluation reads
 * them, and objects and arrays only as deep as it reads them (see {@link JsonObjectView}). A field the record does
 * not have is unbound, which CEL reports as unknown and {@link Expression} as "absent".
 */
final class RecordVariables implements CelVariableResolver {

    static final String KEY = "key";
    static final String HEADERS = "headers";
    static final String TIMESTAMP = "timestamp";
    static final String VALUE = "value";

    private final Set<String> declared;
    private final RecordContext record;

    RecordVariables(Set<String> declared, RecordContext record) {
        this.declared = declared;
        this.record = record;
    }

    @Override
    public Optional<Object> find(String name) {
        if (!declared.contains(name)) {
            return Optional.empty();
        }
        return switch (name) {
            case KEY -> Optional.of(record.key() == null ? NullValue.NULL_VALUE : record.key());
            case HEADERS -> Optional.of(record.headers());
            case TIMESTAMP -> Optional.of((double) record.timestampMs());
            case VALUE -> Optional.of(CelValues.fromJson(record.value()));
            default -> field(name);
        };
    }

    private Optional<Object> field(String name) {
        JsonNode field = record.value().isObject() ? record.value().get(name) : null;
        return field == null ? Optional.empty() : Optional.of(CelValues.fromJson(field));
    }
}

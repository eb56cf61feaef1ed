package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object as CEL sees it: a read-only map whose values are converted ({@link CelValues#fromJson}) when read,
 * so an expression that reads one field of a large object converts one field. A view lives for one evaluation; it
 * reads the node, which nobody may change while an expression evaluates it.
 */
final class JsonObjectView extends AbstractMap<String, Object> {

    private final ObjectNode node;

    JsonObjectView(ObjectNode node) {
        this.node = node;
    }

    ObjectNode node() {
        return node;
    }

    @Override
    public Object get(Object key) {
        JsonNode field = key instanceof String name ? node.get(name) : null;
        return field == null ? null : CelValues.fromJson(field);
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String name && node.has(name);
    }

    @Override
    public int size() {
        return node.size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return fields.hasNext();
                    }

                    @Override
                    public Entry<String, Object> next() {
                        Map.Entry<String, JsonNode> field = fields.next();
                        return new SimpleImmutableEntry<>(field.getKey(), CelValues.fromJson(field.getValue()));
                    }
                };
            }

            @Override
            public int size() {
                return node.size();
            }
        };
    }
}

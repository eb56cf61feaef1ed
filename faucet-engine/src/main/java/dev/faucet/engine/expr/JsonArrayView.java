package dev.faucet.engine.expr;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.AbstractList;
import java.util.RandomAccess;

/** A JSON array as CEL sees it: a read-only list of elements converted when read (see {@link JsonObjectView}). */
final class JsonArrayView extends AbstractList<Object> implements RandomAccess {

    private final ArrayNode node;

    JsonArrayView(ArrayNode node) {
        this.node = node;
    }

    ArrayNode node() {
        return node;
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= node.size()) {
            throw new IndexOutOfBoundsException("Index out of bounds: " + index);
        }
        return CelValues.fromJson(node.get(index));
    }

    @Override
    public int size() {
        return node.size();
    }
}

package dev.faucet.engine.expr;

import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.CelComprehension;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The variables an expression reads, found by walking its parsed syntax tree: every identifier not bound by an
 * enclosing comprehension ({@code i} in {@code items.exists(i, i.sku == 'A')} is bound). These become the
 * expression's declared variables, each of type dyn, and the only names its evaluation looks up in a record.
 *
 * <p>CEL's type names ({@code int}, {@code string}, ...) are left out, so {@code type(x) == string} keeps working;
 * a record field with such a name is read as {@code value.int}. {@code type} is kept as a variable: business
 * records often have a "type" field.
 */
final class FreeIdentifiers {

    private static final Set<String> TYPE_NAMES = Set.of(
        "bool", "int", "uint", "double", "string", "bytes", "list", "map", "null_type", "dyn");

    private final Set<String> names = new LinkedHashSet<>();
    private final Map<Long, String> nameByExprId = new HashMap<>();

    private FreeIdentifiers() {
    }

    static FreeIdentifiers of(CelExpr root) {
        FreeIdentifiers found = new FreeIdentifiers();
        found.walk(root, Set.of());
        return found;
    }

    /** The free identifiers, in order of first appearance. */
    Set<String> names() {
        return Collections.unmodifiableSet(names);
    }

    /** The identifier that the expression node with this id reads, or null. */
    String nameOf(long exprId) {
        return nameByExprId.get(exprId);
    }

    private void walk(CelExpr e, Set<String> bound) {
        switch (e.exprKind().getKind()) {
            case IDENT -> ident(e, bound);
            case SELECT -> walk(e.select().operand(), bound);
            case CALL -> {
                e.call().target().ifPresent(target -> walk(target, bound));
                e.call().args().forEach(arg -> walk(arg, bound));
            }
            case LIST -> e.list().elements().forEach(element -> walk(element, bound));
            case MAP -> e.map().entries().forEach(entry -> {
                walk(entry.key(), bound);
                walk(entry.value(), bound);
            });
            case STRUCT -> e.struct().entries().forEach(entry -> walk(entry.value(), bound));
            case COMPREHENSION -> comprehension(e.comprehension(), bound);
            default -> {
            }
        }
    }

    private void ident(CelExpr e, Set<String> bound) {
        String name = e.ident().name();
        if (!bound.contains(name) && !TYPE_NAMES.contains(name)) {
            names.add(name);
            nameByExprId.put(e.id(), name);
        }
    }

    private void comprehension(CelComprehension c, Set<String> bound) {
        walk(c.iterRange(), bound);
        walk(c.accuInit(), bound);
        Set<String> inner = new HashSet<>(bound);
        inner.add(c.iterVar());
        if (!c.iterVar2().isEmpty()) {
            inner.add(c.iterVar2());
        }
        inner.add(c.accuVar());
        walk(c.loopCondition(), inner);
        walk(c.loopStep(), inner);
        walk(c.result(), inner);
    }
}

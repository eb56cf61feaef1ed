package dev.faucet.engine.expr;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;

/**
 * The overloads that let numbers mix freely. Every JSON number reaches CEL as a double, and CEL keeps {@code int} and
 * {@code double} apart in arithmetic: {@code qty + 1} has no overload for (double, int). These overloads add
 * (int, double) and (double, int) to {@code + - * /}, and doubles to {@code %} (Java's remainder), and replace
 * {@code string(double)} so that integral doubles print without ".0" ({@code string(42.0)} is "42", as the JSON it
 * came from). Comparisons need no help (heterogeneous comparisons are on), nor do list indexes (CEL's runtime takes
 * an integral double as an index).
 *
 * <p>Each overload is declared to the checker and bound in the runtime under the same id.
 */
final class NumberOverloads {

    private static final String[][] ARITHMETIC = {
        {"_+_", "add"}, {"_-_", "subtract"}, {"_*_", "multiply"}, {"_/_", "divide"}, {"_%_", "modulo"},
    };

    static final String DOUBLE_TO_STRING = "double_to_string";

    private NumberOverloads() {
    }

    static List<CelFunctionDecl> declarations() {
        List<CelFunctionDecl> decls = new ArrayList<>();
        for (String[] op : ARITHMETIC) {
            List<CelOverloadDecl> overloads = new ArrayList<>();
            overloads.add(overload(op[1] + "_int64_double", SimpleType.INT, SimpleType.DOUBLE));
            overloads.add(overload(op[1] + "_double_int64", SimpleType.DOUBLE, SimpleType.INT));
            if (op[1].equals("modulo")) {
                overloads.add(overload("modulo_double", SimpleType.DOUBLE, SimpleType.DOUBLE));
            }
            decls.add(CelFunctionDecl.newFunctionDeclaration(op[0], overloads));
        }
        return decls;
    }

    static List<CelFunctionBinding> bindings() {
        List<CelFunctionBinding> bindings = new ArrayList<>();
        bindArithmetic(bindings, "add", (a, b) -> a + b);
        bindArithmetic(bindings, "subtract", (a, b) -> a - b);
        bindArithmetic(bindings, "multiply", (a, b) -> a * b);
        bindArithmetic(bindings, "divide", (a, b) -> a / b);
        bindArithmetic(bindings, "modulo", (a, b) -> a % b);
        bindings.add(CelFunctionBinding.from("faucet_modulo_double", Double.class, Double.class, (a, b) -> a % b));
        bindings.add(CelFunctionBinding.from(DOUBLE_TO_STRING, Double.class, CelValues::numberText));
        return bindings;
    }

    private static CelOverloadDecl overload(String id, CelType left, CelType right) {
        return CelOverloadDecl.newGlobalOverload("faucet_" + id, SimpleType.DOUBLE, left, right);
    }

    private static void bindArithmetic(List<CelFunctionBinding> bindings, String op, DoubleBinaryOperator f) {
        bindings.add(CelFunctionBinding.from("faucet_" + op + "_int64_double", Long.class, Double.class,
            (a, b) -> f.applyAsDouble(a, b)));
        bindings.add(CelFunctionBinding.from("faucet_" + op + "_double_int64", Double.class, Long.class,
            (a, b) -> f.applyAsDouble(a, b)));
    }
}

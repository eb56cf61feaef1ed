package dev.faucet.engine.expr;

import dev.cel.common.CelOptions;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.standard.StringFunction;

/**
 * The one CEL set-up every expression shares: options, the base compiler (standard library, standard macros and
 * {@link NumberOverloads}) and the runtime. Both are immutable and thread-safe; each expression derives its own
 * checker from the base compiler, adding its variables.
 *
 * <p>Heterogeneous numeric comparisons are on for the checker and the runtime alike, so {@code amount > 100} holds for
 * a double amount. {@code string(double)} is replaced (see {@link NumberOverloads}).
 */
final class ExpressionEnvironment {

    static final CelOptions OPTIONS = CelOptions.current()
        .enableHeterogeneousNumericComparisons(true)
        .build();

    static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
        .setOptions(OPTIONS)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        .addFunctionDeclarations(NumberOverloads.declarations())
        .build();

    static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
        .setOptions(OPTIONS)
        // The full standard library (with these options every overload is on) except string(double).
        .setStandardEnvironmentEnabled(false)
        .setStandardFunctions(CelStandardFunctions.newBuilder()
            .filterFunctions((function, overload) -> overload != StringFunction.StringOverload.DOUBLE_TO_STRING)
            .build())
        .addFunctionBindings(NumberOverloads.bindings())
        .build();

    private ExpressionEnvironment() {
    }
}

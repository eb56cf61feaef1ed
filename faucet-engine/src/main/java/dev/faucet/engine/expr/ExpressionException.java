package dev.faucet.engine.expr;

/**
 * An expression that does not compile: a syntax error, an unknown function, or a type error CEL can see before any
 * record arrives. The message says what and where, for example
 * {@code Syntax error at column 8: unexpected end of the expression}.
 */
public final class ExpressionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;

    ExpressionException(String message, String source, int line, int column) {
        super(message);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /** The expression's source text. */
    public String source() {
        return source;
    }

    /** The 1-based line of the error within the expression (1 unless it spans lines), or 0 when not known. */
    public int line() {
        return line;
    }

    /** The 1-based column of the error within its line, or 0 when not known. */
    public int column() {
        return column;
    }
}

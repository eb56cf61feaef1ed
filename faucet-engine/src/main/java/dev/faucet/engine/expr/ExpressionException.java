package dev.faucet.engine.expr;

/** TEMPORARY STUB (replaced by branch expr). */
public final class ExpressionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ExpressionException(String m) {
        super(m);
    }
}

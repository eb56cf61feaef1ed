package dev.faucet.engine.expr;

/** TEMPORARY STUB (replaced by branch expr). */
public final class EvaluationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EvaluationException(String m) {
        super(m);
    }
}

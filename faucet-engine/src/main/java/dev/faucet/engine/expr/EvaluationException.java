package dev.faucet.engine.expr;

/**
 * An expression that failed on one record: a field it needs is absent, a value has the wrong type, a filter did not
 * give a boolean, a result JSON cannot hold. The record goes to the dead letters with this message, which starts
 * with the expression and says what went wrong, for example {@code amount > 0: field 'amount' is absent} or
 * {@code price * 2: no matching overload for '_*_' on string and int}.
 */
public final class EvaluationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    EvaluationException(String message) {
        super(message);
    }

    EvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}

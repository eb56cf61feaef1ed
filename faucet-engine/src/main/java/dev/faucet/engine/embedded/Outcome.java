package dev.faucet.engine.embedded;

/**
 * Why a step refused a record. {@code retryable} failures may pass on another attempt (an unexpected exception);
 * the others fail the same way every time and go to the dead letters (or stop the pipeline) at once.
 *
 * @param type a stable code, the dead letter's {@code error.type}
 */
record Outcome(String type, String message, boolean retryable) {
    static final String NOT_JSON = "not-json";
    static final String SCHEMA_INVALID = "schema-invalid";
    static final String EXPRESSION_ERROR = "expression-error";
    static final String NOT_AN_OBJECT = "not-an-object";
    static final String ENRICH_MISSING = "enrich-missing";
    static final String BAD_EVENT_TIME = "bad-event-time";
    static final String STEP_FAILED = "step-failed";
    static final String TOO_LARGE = "output-too-large";
    static final String LOOKUP_FAILED = "lookup-failed";

    static Outcome permanent(String type, String message) {
        return new Outcome(type, message, false);
    }
}

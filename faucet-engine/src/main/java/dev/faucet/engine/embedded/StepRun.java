package dev.faucet.engine.embedded;

/**
 * One compiled step. {@link #apply} either passes the record on (returns true) or takes it out: by emitting it
 * somewhere final (route), by dropping it for a counted reason, or by failing it ({@link StepFailure}).
 */
interface StepRun {

    /** Runs the step on {@code r}; true when the next step should see it. */
    boolean apply(Rec r, Effects effects);

    /** What a step does besides changing the record: outputs, drops and state changes, kept per record. */
    interface Effects {
        void emit(String topic, Rec r);

        /** The record leaves this stage for the next one, keyed by {@code r.key}. */
        void repartition(Rec r);

        /** The record joins a sink's queue (its batches marked every {@code batch} records when more than 1). */
        void deliver(String queue, int batch, Rec r);

        void drop(String reason);

        /** A state change to apply once the record is done; {@code value} null removes the key. */
        void state(DedupeState store, String key, Long value);
    }

    /** A step refusing a record. */
    final class StepFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Outcome outcome;

        StepFailure(Outcome outcome) {
            super(outcome.message(), null, false, false);
            this.outcome = outcome;
        }

        Outcome outcome() {
            return outcome;
        }
    }
}

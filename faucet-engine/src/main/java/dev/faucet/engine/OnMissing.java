package dev.faucet.engine;

import java.util.Locale;

/** What {@code enrich} does with a record whose key is not in the table. */
public enum OnMissing {
    /** The record goes to the dead-letter topic with error type {@code enrich-missing}. */
    DEAD_LETTER,
    /** The record is dropped and counted (reason {@code enrich-missing}). */
    SKIP,
    /** The record goes on without the field. */
    KEEP;

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

package dev.faucet.log;

/**
 * Why the log refused or failed an operation. {@link Kind#isBadInput()} separates requests that can never succeed
 * as given (a 4xx in HTTP terms) from failures of the system (a 5xx). Messages say what is wrong and where.
 */
public final class LogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The stable kinds of failure. */
    public enum Kind {
        INVALID_TOPIC(true),
        UNKNOWN_TOPIC(true),
        TOPIC_EXISTS(true),
        RECORD_TOO_LARGE(true),
        INVALID_RECORD(true),
        /** The log failed closed after an I/O error; it acknowledges nothing until reopened. */
        FAILED(false),
        /** Data inside the committed region does not match its checksum. */
        CORRUPT(false),
        CLOSED(false);

        private final boolean badInput;

        Kind(boolean badInput) {
            this.badInput = badInput;
        }

        public boolean isBadInput() {
            return badInput;
        }
    }

    private final Kind kind;

    public LogException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public LogException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}

package dev.faucet.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A pipeline definition that cannot be deployed, with every problem found and where: the file (or {@code null} for
 * the Java DSL and for a posted body), the 1-based line (0 when unknown) and the field as a path
 * ({@code steps[2].enrich.onMissing}).
 */
public final class InvalidPipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    public InvalidPipelineException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidPipelineException(String field, String message) {
        this(List.of(new Problem(null, 0, field, message)));
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        return problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
    }

    /** One problem: {@code file:line: field: message}. */
    public record Problem(String file, int line, String field, String message) {
        @Override
        public String toString() {
            StringBuilder s = new StringBuilder();
            if (file != null) {
                s.append(file).append(':');
            }
            if (line > 0) {
                s.append(line).append(':');
            }
            if (!s.isEmpty()) {
                s.append(' ');
            }
            if (field != null && !field.isEmpty()) {
                s.append(field).append(": ");
            }
            return s.append(message).toString();
        }
    }
}

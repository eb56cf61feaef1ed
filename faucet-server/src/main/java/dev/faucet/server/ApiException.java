package dev.faucet.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request the server refuses, with everything its {@code application/problem+json} answer needs: the status, a
 * stable {@code type} per kind of refusal, a {@code detail} for people, positions when known ({@code errors}), and
 * response headers such as {@code Retry-After}. {@link Problems} turns it into the answer.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final transient List<ProblemError> errors;
    private final transient Map<String, String> headers;

    /**
     * One position in the request that is wrong: a line (1-based) and/or a JSON pointer; absent ones are left out.
     * {@code field} is the position as a pipeline file names it ({@code steps[2].filter}), for pipeline problems only.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ProblemError(Integer line, String pointer, String field, String message) {
        public ProblemError(Integer line, String pointer, String message) {
            this(line, pointer, null, message);
        }
    }

    public ApiException(int status, String type, String detail) {
        this(status, type, detail, List.of(), Map.of());
    }

    public ApiException(int status, String type, String detail, List<ProblemError> errors,
            Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
        this.headers = new LinkedHashMap<>(headers);
    }

    /** A 400; {@code errors} names the position when {@code line} or {@code pointer} is known (not null). */
    public static ApiException badRequest(String type, String detail, Integer line, String pointer) {
        List<ProblemError> errors = line == null && pointer == null ? List.of()
                : List.of(new ProblemError(line, pointer, detail));
        return new ApiException(400, type, detail, errors, Map.of());
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public List<ProblemError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }
}

package dev.faucet.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP answer, read whole: the status, the body and the headers the CLI cares about.
 *
 * @param retryAfter the Retry-After header, or null
 */
record Answer(int status, byte[] body, String retryAfter) {
    static Answer of(int status, HttpHeaders headers, byte[] body) {
        return new Answer(status, body, headers.firstValue("Retry-After").orElse(null));
    }

    boolean ok() {
        return status / 100 == 2;
    }

    /** The JSON body of a successful answer; any other answer is a {@link CliFailure} with the server's detail. */
    JsonNode json() {
        if (!ok()) {
            throw failure();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new CliFailure("the server answered with JSON the CLI cannot read: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The {@code detail} of a problem+json answer, or a line naming the status when there is none. */
    String detail() {
        JsonNode problem = problem();
        JsonNode detail = problem == null ? null : problem.get("detail");
        if (detail != null && detail.isTextual() && !detail.asText().isBlank()) {
            return detail.asText();
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        int newline = text.indexOf('\n');
        String first = newline < 0 ? text : text.substring(0, newline);
        return "the server answered HTTP " + status + (first.isEmpty() ? "" : ": " + shorten(first));
    }

    /** The {@code errors[].line} values of a problem+json answer, in order (1-based lines of the request body). */
    List<Integer> errorLines() {
        JsonNode problem = problem();
        List<Integer> lines = new ArrayList<>();
        if (problem != null && problem.path("errors").isArray()) {
            for (JsonNode e : problem.get("errors")) {
                if (e.path("line").canConvertToInt()) {
                    lines.add(e.get("line").asInt());
                }
            }
        }
        return lines;
    }

    /**
     * The problems of a refused pipeline file as {@code FILE:LINE: field: message} lines (the parts the server did not
     * know are left out), or one line with the detail when the answer names none.
     */
    List<String> problems(String file) {
        JsonNode problem = problem();
        List<String> lines = new ArrayList<>();
        if (problem != null && problem.path("errors").isArray()) {
            for (JsonNode e : problem.get("errors")) {
                String field = e.path("field").asText(e.path("pointer").asText(""));
                lines.add(file + (e.path("line").canConvertToInt() ? ":" + e.get("line").asInt() : "") + ": "
                        + (field.isEmpty() ? "" : field + ": ") + e.path("message").asText());
            }
        }
        if (lines.isEmpty()) {
            lines.add(file + ": " + detail());
        }
        return lines;
    }

    /** The failure for this answer: the server's detail, with a hint about tokens for 401 and 403. */
    CliFailure failure() {
        String detail = detail();
        if ((status == 401 || status == 403) && !detail.contains("--token")) {
            detail += status == 401 ? " (pass a token with --token or set FAUCET_TOKEN)"
                    : " (pass a token with that scope with --token or FAUCET_TOKEN)";
        }
        return new CliFailure(detail);
    }

    private JsonNode problem() {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}

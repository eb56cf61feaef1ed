package dev.faucet.connect.webhook;

import dev.faucet.engine.SinkException;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * What an answer, or its absence, means for a delivery: a 2xx is delivered; a target that is down, slow or overloaded
 * (no connection, no answer in time, 408, 425, 429, 5xx) may take the record later, so the engine retries, waiting
 * at least what {@code Retry-After} asks; any other answer says the record itself is refused, so retrying would only
 * repeat that: it goes to the dead letters. Messages name the URL as written, never substituted variables.
 */
final class WebhookAnswers {
    /** Reads no body from a 2xx, and the start of any other for the message. */
    static final HttpResponse.BodyHandler<String> BODY = info -> info.statusCode() / 100 == 2
            ? HttpResponse.BodySubscribers.replacing("")
            : new BodyExcerpt();
    static final String UNAVAILABLE = "sink-unavailable";
    static final String REJECTED = "sink-rejected";
    private final String post;
    private final Duration timeout;

    WebhookAnswers(WebhookSettings settings) {
        this.post = "POST " + settings.shownUrl;
        this.timeout = settings.timeout;
    }

    /** The failure an answer means, or null when it means delivered. */
    SinkException of(HttpResponse<String> answer) {
        int status = answer.statusCode();
        if (status / 100 == 2) {
            return null;
        }
        String body = answer.body() == null || answer.body().isEmpty() ? "" : ": " + answer.body();
        String message = post + " answered " + status + body;
        if (status == 408 || status == 425 || status == 429 || status >= 500) {
            Duration after = retryAfter(answer.headers().firstValue("Retry-After").orElse(null), Instant.now());
            return SinkException.retryable("sink-http-" + status, message, null).withRetryAfter(after);
        }
        if (status / 100 == 3) {
            message += " (redirects are not followed: set the sink's url to " + answer.headers()
                    .firstValue("Location").map(l -> "'" + l + "'").orElse("where it points") + ")";
        }
        return SinkException.rejected(REJECTED, message, null);
    }

    /** The failure a request that got no answer means: always retryable, the target may come back. */
    SinkException failed(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof HttpConnectTimeoutException) {
            return SinkException.retryable(UNAVAILABLE, post + " could not connect within " + shown(timeout), e);
        }
        if (e instanceof HttpTimeoutException || e instanceof TimeoutException) {
            return SinkException.retryable(UNAVAILABLE, post + " did not answer within " + shown(timeout)
                    + " (the sink's timeout)", e);
        }
        if (e instanceof IOException) {
            return SinkException.retryable(UNAVAILABLE, post + " failed: " + e, e);
        }
        return SinkException.retryable("sink-failed", post + " failed unexpectedly: " + e, e);
    }

    /**
     * A {@code Retry-After} value: seconds, or an HTTP date (the wait until then, none when it is past); null when
     * absent or not understood.
     */
    static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.chars().allMatch(Character::isDigit)) {
            return v.length() > 9 ? null : Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String shown(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}

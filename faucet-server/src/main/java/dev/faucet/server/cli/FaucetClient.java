package dev.faucet.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * The HTTP API as the CLI uses it: one {@link HttpClient} (HTTP/1.1) per command, the bearer token on every request,
 * and every failure turned into a {@link CliFailure} that a person can act on.
 *
 * <p>Retries: a request sent as retryable (reads, and publishes that carry an {@code Idempotency-Key}, which the
 * server answers once however often it is sent) is sent again after a 503 or a 429, and after a dropped or refused
 * connection once the server has answered this client before (it is restarting), waiting as {@link Backoff} says,
 * at most {@link Backoff#maxRetries()} times. Not retried: a connection error before the server ever answered (it is
 * not running, or --server is wrong, and saying so at once beats waiting) and a request the server took but did not
 * answer within {@value #REQUEST_TIMEOUT_S} s (it hangs).
 *
 * <p>Threading: used by one command's thread. Lifecycle: {@link #close} releases the connections.
 */
final class FaucetClient implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final long REQUEST_TIMEOUT_S = 60;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(REQUEST_TIMEOUT_S);

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Backoff backoff;
    private boolean reached;

    FaucetClient(URI base, String token, Backoff backoff) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .build();
        this.base = base;
        this.token = token;
        this.backoff = backoff;
    }

    /** A request to {@code pathAndQuery} (e.g. {@code /v1/topics}) with the token; no timeout for streams. */
    HttpRequest.Builder request(String pathAndQuery, boolean stream) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
        if (!stream) {
            b.timeout(REQUEST_TIMEOUT);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    /** GETs JSON, retrying as a read may; any answer but 2xx is a {@link CliFailure}. */
    JsonNode get(String pathAndQuery) throws InterruptedException {
        return call(request(pathAndQuery, false).GET().build(), true).json();
    }

    /** POSTs a JSON body once (not retried: it is not known to be idempotent). */
    JsonNode post(String pathAndQuery, JsonNode body) throws InterruptedException {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        return call(request(pathAndQuery, false).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), false).json();
    }

    /**
     * POSTs a pipeline file as {@code application/yaml} and answers whatever the server said. Retried as a read is:
     * deploying the same file again changes nothing.
     */
    Answer postYaml(String pathAndQuery, String yaml) throws InterruptedException {
        return call(request(pathAndQuery, false).header("Content-Type", "application/yaml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(yaml, StandardCharsets.UTF_8)).build(), true);
    }

    /** POSTs an action without a body (pause, resume), retried since such an action is idempotent; answers JSON. */
    JsonNode action(String pathAndQuery) throws InterruptedException {
        return call(request(pathAndQuery, false).POST(HttpRequest.BodyPublishers.noBody()).build(), true).json();
    }

    /** DELETEs once; any answer but 2xx is a {@link CliFailure}. */
    void delete(String pathAndQuery) throws InterruptedException {
        Answer a = call(request(pathAndQuery, false).DELETE().build(), false);
        if (!a.ok()) {
            throw a.failure();
        }
    }

    /** Sends {@code request} and reads the whole answer, whatever its status. */
    Answer call(HttpRequest request, boolean retryable) throws InterruptedException {
        HttpResponse<byte[]> r = send(request, BodyHandlers.ofByteArray(), retryable);
        return Answer.of(r.statusCode(), r.headers(), r.body());
    }

    /** Opens a stream (server-sent events); an answer other than 2xx is read whole and is a {@link CliFailure}. */
    HttpResponse<InputStream> stream(HttpRequest request) throws InterruptedException {
        HttpResponse<InputStream> r = send(request, BodyHandlers.ofInputStream(), true);
        if (r.statusCode() / 100 != 2) {
            try (InputStream body = r.body()) {
                throw Answer.of(r.statusCode(), r.headers(), body.readAllBytes()).failure();
            } catch (IOException e) {
                throw new CliFailure("the server answered HTTP " + r.statusCode() + " and then went away");
            }
        }
        return r;
    }

    private <T> HttpResponse<T> send(HttpRequest request, BodyHandler<T> handler, boolean retryable)
            throws InterruptedException {
        for (int retry = 0; ; retry++) {
            HttpResponse<T> r;
            try {
                r = http.send(request, handler);
            } catch (IOException e) {
                if (!retryable || retry >= backoff.maxRetries() || !reached || isTimeout(e)) {
                    throw unreachable(e, retry);
                }
                Thread.sleep(backoff.delay(retry, null).toMillis());
                continue;
            }
            reached = true;
            int status = r.statusCode();
            if (!retryable || (status != 503 && status != 429) || retry >= backoff.maxRetries()) {
                return r;
            }
            discard(r.body());
            Thread.sleep(backoff.delay(retry, r.headers().firstValue("Retry-After").orElse(null)).toMillis());
        }
    }

    /** No answer within the request timeout: the server took the request and hangs; sending it again won't help. */
    private static boolean isTimeout(IOException e) {
        return e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException);
    }

    private static void discard(Object body) {
        if (body instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // A body we do not want; the connection is dropped either way.
            }
        }
    }

    /** The failure for a request that got no answer after {@code retries} retries. */
    private CliFailure unreachable(IOException e, int retries) {
        String reason = reason(e);
        if (!reached) {
            return new CliFailure("cannot reach the Faucet server at " + base + " (" + reason + "); start it with"
                    + " 'faucet server' or pass --server");
        }
        return new CliFailure("lost the connection to the Faucet server at " + base + " (" + reason + ")"
                + (retries > 0 ? " and gave up after " + retries + " retries" : ""));
    }

    private static String reason(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "timed out connecting";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within " + REQUEST_TIMEOUT_S + " s";
        }
        if (e instanceof ConnectException) {
            return e.getCause() instanceof UnresolvedAddressException ? "unknown host" : "connection refused";
        }
        if (e instanceof SSLException) {
            return "TLS failed: " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** A path segment or query value, percent-encoded. */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** True once the server has answered a request of this client, whatever the answer. */
    boolean reached() {
        return reached;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}

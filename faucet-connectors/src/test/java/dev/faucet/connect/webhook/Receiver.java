package dev.faucet.connect.webhook;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A webhook endpoint on loopback for tests: records every request, answers as the test says, and counts the
 * requests it is answering at once. Requests asked to wait do so on a latch, at most {@link #MAX_WAIT_S} seconds,
 * so a failing test never hangs.
 */
final class Receiver implements AutoCloseable {
    static final int MAX_WAIT_S = 5;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Queue<Request> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    /** Stalled requests wait for this: released when the receiver closes. */
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Function<Request, Answer> answers = r -> Answer.status(200);

    /** A request as it arrived. */
    record Request(String path, Headers headers, String body) {
        String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** Where an answer stops until the receiver closes. */
    enum Stall { NONE, BEFORE_HEADERS, IN_BODY }

    /**
     * How to answer: a status, headers and body, after waiting for {@code gate} when not null; or stalling, before
     * sending anything or after the headers.
     */
    record Answer(int status, Map<String, String> headers, String body, CountDownLatch gate, Stall stall) {
        static Answer status(int status) {
            return new Answer(status, Map.of(), "", null, Stall.NONE);
        }

        /** No answer at all. */
        static Answer never() {
            return new Answer(200, Map.of(), "", null, Stall.BEFORE_HEADERS);
        }

        /** A 200 whose body never comes. */
        static Answer headersOnly() {
            return new Answer(200, Map.of(), "{\"ok\": true}", null, Stall.IN_BODY);
        }

        Answer header(String name, String value) {
            Map<String, String> more = new java.util.HashMap<>(headers);
            more.put(name, value);
            return new Answer(status, more, body, gate, stall);
        }

        Answer body(String text) {
            return new Answer(status, headers, text, gate, stall);
        }

        Answer after(CountDownLatch latch) {
            return new Answer(status, headers, body, latch, stall);
        }
    }

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void answer(Function<Request, Answer> how) {
        this.answers = how;
    }

    List<Request> requests() {
        return List.copyOf(received);
    }

    List<String> bodies() {
        return received.stream().map(Request::body).toList();
    }

    int inFlight() {
        return inFlight.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean counted = true;
        try (exchange) {
            Request request = new Request(exchange.getRequestURI().getPath(), exchange.getRequestHeaders(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(request);
            Answer answer = answers.apply(request);
            if (answer.stall() == Stall.BEFORE_HEADERS) {
                closing.await(MAX_WAIT_S, TimeUnit.SECONDS);
            } else if (answer.gate() != null) {
                answer.gate().await(MAX_WAIT_S, TimeUnit.SECONDS);
            }
            // No longer counted before answering: the client may send its next request as soon as it has this one.
            inFlight.decrementAndGet();
            counted = false;
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (answer.stall() == Stall.IN_BODY) {
                exchange.getResponseBody().flush();
                closing.await(MAX_WAIT_S, TimeUnit.SECONDS);
                return;
            }
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (counted) {
                inFlight.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        if (closing.getCount() == 0) {
            return;
        }
        closing.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}

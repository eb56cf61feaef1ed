package dev.faucet.server.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One open server-sent-events stream. A reader thread parses the body into events and hands them over through a
 * bounded queue (when the queue is full the reader stops reading, and TCP slows the server down), so that the
 * command's thread can wait for the next event with a timeout. After the body ends or fails, {@link #next} answers
 * {@link #END}. Lifecycle: {@link #close} stops the reader and drops the connection.
 */
final class EventStream implements AutoCloseable {
    /** What {@link #next} answers once the stream has ended. */
    static final SseParser.Event END = new SseParser.Event(null, null);

    private final InputStream body;
    private final BlockingQueue<SseParser.Event> events = new ArrayBlockingQueue<>(1024);
    private final Thread reader;

    private EventStream(InputStream body) {
        this.body = body;
        this.reader = Thread.ofPlatform().daemon().name("faucet-events").start(this::read);
    }

    /** Opens {@code GET path} as an event stream; a refusal is a {@link CliFailure}. */
    static EventStream open(FaucetClient client, String path) throws InterruptedException {
        HttpResponse<InputStream> r = client.stream(client.request(path, true).header("Accept", "text/event-stream")
                .GET().build());
        return new EventStream(r.body());
    }

    /** The next event; null if none came within {@code timeout} (null: wait as long as it takes); then END. */
    SseParser.Event next(Duration timeout) throws InterruptedException {
        return timeout == null ? events.take() : events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when an event is waiting, so the caller need not flush its output yet. */
    boolean hasNext() {
        return !events.isEmpty();
    }

    private void read() {
        SseParser parser = new SseParser();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                SseParser.Event e = parser.line(line);
                if (e != null) {
                    events.put(e);
                }
            }
        } catch (IOException ended) {
            // The connection dropped or was closed: the stream has ended either way.
        } catch (InterruptedException closing) {
            return;
        }
        try {
            events.put(END);
        } catch (InterruptedException closing) {
            // Closed while handing over the end: nobody is waiting for it.
        }
    }

    @Override
    public void close() {
        reader.interrupt();
        try {
            body.close();
        } catch (IOException ignored) {
            // Dropping the connection is all that is left to do.
        }
    }
}

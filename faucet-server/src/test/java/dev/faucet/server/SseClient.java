package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A server-sent events subscription over a plain socket, so a test decides exactly when the connection goes away
 * ({@link #close}). Decodes the chunked answer and splits it into events; comment lines are skipped.
 */
final class SseClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final StringBuilder pending = new StringBuilder();
    private final List<Event> received = new ArrayList<>();

    /** One event: {@code id: P:O} and its data, the record object of reads. */
    record Event(String id, JsonNode data) {
        int partition() {
            return data.get("partition").asInt();
        }

        long offset() {
            return data.get("offset").asLong();
        }
    }

    SseClient(URI base, String path) throws IOException {
        socket = RawHttp.connect(base);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream"
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        in = socket.getInputStream();
        String status = RawHttp.line(in);
        assertThat(status).startsWith("HTTP/1.1 200");
        String header;
        boolean eventStream = false;
        while (!(header = RawHttp.line(in)).isEmpty()) {
            eventStream |= header.toLowerCase(java.util.Locale.ROOT).startsWith("content-type: text/event-stream");
        }
        assertThat(eventStream).as("Content-Type text/event-stream").isTrue();
    }

    /** Waits until {@code count} events have come in all (since the start), at most {@code timeout}. */
    List<Event> awaitEvents(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < count) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0 || !readChunk(left)) {
                break;
            }
        }
        return List.copyOf(received);
    }

    /** The events received so far, after reading for {@code time} more. */
    List<Event> eventsAfter(Duration time) throws IOException {
        return awaitEvents(Integer.MAX_VALUE, time);
    }

    private boolean readChunk(long timeoutMs) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeoutMs));
        try {
            String size = RawHttp.line(in).trim();
            if (size.isEmpty()) {
                return true;
            }
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                return false;
            }
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            chunk.write(in.readNBytes(n));
            pending.append(chunk.toString(StandardCharsets.UTF_8));
            split();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private void split() throws IOException {
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
            String block = pending.substring(0, end);
            pending.delete(0, end + 2);
            String id = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (data != null) {
                received.add(new Event(id, Api.JSON.readTree(data)));
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

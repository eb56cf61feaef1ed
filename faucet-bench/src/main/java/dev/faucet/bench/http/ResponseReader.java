package dev.faucet.bench.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads HTTP/1.1 responses off one connection's input: the status line, the headers the client needs
 * ({@code Content-Length}, {@code Transfer-Encoding: chunked}, {@code Connection: close}) and the body, which it
 * keeps in a buffer reused from one response to the next. Its own read buffer keeps the system calls to about one per
 * response. Not thread-safe: one thread owns a connection.
 */
final class ResponseReader {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private int limit;
    private byte[] body = new byte[BUFFER_BYTES];
    private int bodyLength;

    /** One response: its status, body length and whether the server closes the connection after it. */
    record Response(int status, int bodyLength, boolean close) {
    }

    ResponseReader(InputStream in) {
        this.in = in;
    }

    Response read() throws IOException {
        String statusLine = line();
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        bodyLength = 0;
        if (chunked) {
            readChunks();
        } else if (contentLength >= 0) {
            readBody(Math.toIntExact(contentLength));
        } else if (status >= 200 && status != 204 && status != 304) {
            throw new IOException("a response without Content-Length or chunked encoding; this client needs either");
        }
        return new Response(status, bodyLength, close);
    }

    /** The body of the last response: {@link #bodyLength()} bytes from index 0. Overwritten by the next read. */
    byte[] body() {
        return body;
    }

    int bodyLength() {
        return bodyLength;
    }

    /** The body of the last response as text, for error messages and sanity checks. */
    String bodyText() {
        return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
    }

    private void readChunks() throws IOException {
        while (true) {
            String size = line();
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailers: none expected, skipped
                }
                return;
            }
            readBody(n);
            if (!line().isEmpty()) {
                throw new IOException("a chunk not followed by CRLF");
            }
        }
    }

    /** Appends {@code n} bytes to the body. */
    private void readBody(int n) throws IOException {
        if (body.length < bodyLength + n) {
            body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + n));
        }
        int left = n;
        while (left > 0) {
            if (pos == limit) {
                fill();
            }
            int take = Math.min(left, limit - pos);
            System.arraycopy(buf, pos, body, bodyLength, take);
            pos += take;
            bodyLength += take;
            left -= take;
        }
    }

    /** A line without its CRLF (a bare LF is accepted too), as ISO-8859-1 text. */
    private String line() throws IOException {
        StringBuilder b = null;
        while (true) {
            for (int i = pos; i < limit; i++) {
                if (buf[i] == '\n') {
                    int end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    String part = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return b == null ? part : trimCr(b.append(part));
                }
            }
            if (b == null) {
                b = new StringBuilder();
            }
            b.append(new String(buf, pos, limit - pos, StandardCharsets.ISO_8859_1));
            pos = limit;
            if (b.length() > BUFFER_BYTES) {
                throw new IOException("a header line longer than " + BUFFER_BYTES + " bytes");
            }
            fill();
        }
    }

    /** A line split across two reads may end in the CR the first read held. */
    private static String trimCr(StringBuilder b) {
        int n = b.length();
        return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
    }

    private void fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
        pos = 0;
        limit = n;
    }
}

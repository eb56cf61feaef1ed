package dev.faucet.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand over a plain socket, for what {@link java.net.http.HttpClient} will not send: smuggling attempts,
 * malformed framing, headers without a body, slow clients. Reads one answer (skipping interim 1xx answers, which it
 * records) and whether the server then closed the connection.
 */
final class RawHttp {
    private RawHttp() {
    }

    /** One answer; {@code interim}: the status lines of 1xx answers before it; {@code closed}: EOF followed. */
    record Answer(int status, Map<String, String> headers, String body, String interim, boolean closed) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() {
            try {
                return Api.JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    static Socket connect(URI base) throws IOException {
        Socket s = new Socket(base.getHost(), base.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Sends {@code request} (from another thread, so a server that answers early cannot block us) and reads. */
    static Answer exchange(URI base, byte[] request) throws IOException {
        try (Socket s = connect(base)) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    out.write(request);
                    out.flush();
                } catch (IOException ignored) {
                    // The server may answer and close before it has read all of it.
                }
            });
            Answer a = read(s);
            writer.interrupt();
            return a;
        }
    }

    static Answer exchange(URI base, String request) throws IOException {
        return exchange(base, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one final answer; fails with SocketTimeoutException if none comes within the socket's timeout. */
    static Answer read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder interim = new StringBuilder();
        while (true) {
            String head = readHead(in);
            if (head == null) {
                throw new IOException("the server closed the connection without an answer");
            }
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            if (status >= 100 && status < 200) {
                interim.append(lines[0]).append('\n');
                continue;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            String body = body(in, headers);
            return new Answer(status, headers, body, interim.toString(), closedAfter(socket));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return head.size() == 0 ? null : head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String s = head.toString(StandardCharsets.ISO_8859_1);
        return s.substring(0, s.length() - 4);
    }

    private static String body(InputStream in, Map<String, String> headers) throws IOException {
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line(in).trim(), 16);
                if (size == 0) {
                    line(in);
                    return out.toString(StandardCharsets.UTF_8);
                }
                out.write(in.readNBytes(size));
                line(in);
            }
        }
        String length = headers.get("content-length");
        return length == null ? new String(in.readAllBytes(), StandardCharsets.UTF_8)
                : new String(in.readNBytes(Integer.parseInt(length)), StandardCharsets.UTF_8);
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** True if the server closes the connection within half a second after its answer. */
    private static boolean closedAfter(Socket socket) {
        try {
            socket.setSoTimeout(500);
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A POST request by hand: the request line, Host, the given header lines (each ending in CRLF), the body. */
    static byte[] post(String path, String headerLines, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headerLines + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }
}

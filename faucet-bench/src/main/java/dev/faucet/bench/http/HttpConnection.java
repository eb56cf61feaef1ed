package dev.faucet.bench.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive HTTP/1.1 connection over a plain blocking {@link Socket}: writes a prepared request (headers and
 * body in one array, so one system call) and reads the response. It reconnects on the next exchange after the server
 * closed it or after an error. Not thread-safe: each load thread owns one.
 *
 * <p>Why not {@code java.net.http.HttpClient}: its pool decides how many connections it opens and when, and it costs
 * more CPU per request than this; on a 2-core machine every cycle the load generator spends is taken from the server
 * it measures. Here one thread is one connection with one request in flight, which is what the benchmark specifies.
 */
final class HttpConnection implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final InetSocketAddress address;
    private final int readTimeoutMs;
    private Socket socket;
    private OutputStream out;
    private ResponseReader in;
    private long connects;

    HttpConnection(InetSocketAddress address, int readTimeoutMs) {
        this.address = address;
        this.readTimeoutMs = readTimeoutMs;
    }

    /** Sends {@code request} (a whole HTTP/1.1 request) and reads its response; closes the socket on failure. */
    ResponseReader.Response exchange(byte[] request) throws IOException {
        try {
            if (socket == null) {
                connect();
            }
            out.write(request);
            out.flush();
            ResponseReader.Response r = in.read();
            if (r.close()) {
                close();
            }
            return r;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The reader of the last response, for its body. */
    ResponseReader reader() {
        return in;
    }

    /** How often this connection was opened: 1 when keep-alive held throughout. */
    long connects() {
        return connects;
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(readTimeoutMs);
            s.connect(address, CONNECT_TIMEOUT_MS);
            socket = s;
            out = s.getOutputStream();
            in = new ResponseReader(s.getInputStream());
            connects++;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing a socket that failed: nothing left to do
            }
        }
    }
}

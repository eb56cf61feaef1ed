package dev.faucet.server.ingest;

import dev.faucet.server.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body into memory within {@code limits.maxBodyBytes}, reserving the in-flight budget as it goes
 * (twice the body: the body and the records cut from it). A declared Content-Length over the limit is refused before
 * a byte is read; a chunked body as soon as it passes the limit. The caller releases {@link Body#reserved()}.
 */
public final class BodyReader {
    private static final int CHUNK = 64 * 1024;

    private final long maxBodyBytes;
    private final String limitName;
    private final Admission admission;

    /** The bytes read ({@code length} of {@code bytes}) and the budget reserved for them. */
    public record Body(byte[] bytes, int length, long reserved) {
    }

    public BodyReader(long maxBodyBytes, Admission admission) {
        this(maxBodyBytes, "limits.maxBody", admission);
    }

    /** A reader for bodies held to another limit than {@code limits.maxBody}; {@code limitName} names it in a 413. */
    public BodyReader(long maxBodyBytes, String limitName, Admission admission) {
        this.maxBodyBytes = maxBodyBytes;
        this.limitName = limitName;
        this.admission = admission;
    }

    /**
     * Refuses a declared Content-Length over the limit. Call it before opening the body's stream: that is what makes
     * Jetty answer {@code Expect: 100-continue} with a 100, which would invite the client to send the body anyway.
     */
    public void checkDeclared(long contentLength) {
        if (contentLength > maxBodyBytes) {
            throw tooLarge("the body declares " + contentLength + " bytes, more");
        }
    }

    public Body read(InputStream in, long contentLength) throws IOException {
        checkDeclared(contentLength);
        // Without a Content-Length (chunked), start below the limit, so the check at a full buffer catches it.
        int initial = contentLength >= 0 ? (int) contentLength : (int) Math.min(CHUNK, maxBodyBytes);
        long reserved = 2L * initial;
        admission.reserve(reserved);
        try {
            byte[] buf = new byte[Math.max(initial, 16)];
            int length = 0;
            while (true) {
                if (length == buf.length && contentLength >= 0) {
                    // Jetty holds the body to its Content-Length; one more read just sees the end.
                    if (in.read() < 0) {
                        break;
                    }
                    throw new ApiException(400, "invalid-body", "the body is longer than its Content-Length");
                }
                if (length == buf.length) {
                    if (length >= maxBodyBytes) {
                        if (in.read() < 0) {
                            break;
                        }
                        throw tooLarge("the body has more bytes");
                    }
                    int grown = (int) Math.min(maxBodyBytes, (long) buf.length * 2);
                    admission.reserve(2L * (grown - buf.length));
                    reserved += 2L * (grown - buf.length);
                    buf = Arrays.copyOf(buf, grown);
                }
                int n = in.read(buf, length, buf.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
            return new Body(buf, length, reserved);
        } catch (IOException e) {
            admission.release(reserved);
            throw unreadable(e);
        } catch (RuntimeException | Error e) {
            admission.release(reserved);
            throw e;
        }
    }

    /**
     * A body that could not be read is the client's doing, never a 500: it stopped sending within
     * {@code limits.idleTimeout} (408), or closed early, or sent a malformed chunked encoding (400).
     */
    private static ApiException unreadable(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return new ApiException(408, "request-timeout", "the body did not arrive within limits.idleTimeout;"
                        + " nothing was written", List.of(), Map.of("Connection", "close"));
            }
        }
        return new ApiException(400, "incomplete-body", "the body could not be read: it ended before its"
                + " Content-Length, or its chunked encoding is malformed; nothing was written", List.of(),
                Map.of("Connection", "close"));
    }

    private ApiException tooLarge(String what) {
        return new ApiException(413, "body-too-large", what + " than " + limitName + " allows (" + maxBodyBytes
                + " bytes)" + (limitName.equals("limits.maxBody") ? "; split it into several requests" : ""), List.of(),
                Map.of("Connection", "close"));
    }
}

package dev.faucet.server;

import java.time.Duration;

/**
 * The server's named limits, each enforced before memory is spent on what it limits.
 *
 * @param maxBodyBytes     a publish body larger than this is a 413: a Content-Length above it before any of the body
 *                         is read, a chunked body as soon as it passes it
 * @param maxRecordBytes   one record (its value as sent; the log also checks the encoded record) larger is a 413
 * @param maxHeaderBytes   a request header section larger is a 431
 * @param idleTimeout      a connection that sends nothing for this long, inside headers or body, is closed
 * @param maxConnections   more open connections than this are not accepted until some close
 * @param maxJsonDepth     JSON nested deeper is a 400
 * @param maxInFlightBytes bodies being read and committed at once, over all requests; past it ingest answers 503
 *                         with Retry-After, so memory stays bounded under any offered rate
 * @param minFreeDiskBytes below this much free disk ingest answers 503 with Retry-After
 * @param minDataRate      bytes per second below which a request body (408) or a response being written is given up,
 *                         so a client that trickles its body or never reads its answer cannot hold a thread for long
 */
public record Limits(long maxBodyBytes, int maxRecordBytes, int maxHeaderBytes, Duration idleTimeout,
        int maxConnections, int maxJsonDepth, long maxInFlightBytes, long minFreeDiskBytes, long minDataRate) {
    public static final long DEFAULT_MIN_DATA_RATE = 1024;
    public static final Limits DEFAULTS = new Limits(16L << 20, 1 << 20, 16 << 10, Duration.ofSeconds(30), 1024, 64,
            128L << 20, 256L << 20, DEFAULT_MIN_DATA_RATE);

    /** The largest body any configuration allows: bodies are read into one array. */
    public static final long MAX_BODY_CEILING = 1L << 30;

    public Limits {
        positive("limits.maxBody", maxBodyBytes);
        positive("limits.maxRecord", maxRecordBytes);
        positive("limits.maxHeader", maxHeaderBytes);
        positive("limits.maxConnections", maxConnections);
        positive("limits.maxJsonDepth", maxJsonDepth);
        positive("limits.maxInFlight", maxInFlightBytes);
        if (minDataRate < 0) {
            throw new IllegalArgumentException("limits.minDataRate: must not be negative (0 turns it off); got "
                    + minDataRate);
        }
        if (minFreeDiskBytes < 0) {
            throw new IllegalArgumentException("limits.minFreeDisk: must not be negative; got " + minFreeDiskBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("limits.idleTimeout: must be positive; got " + idleTimeout);
        }
        if (maxBodyBytes > MAX_BODY_CEILING) {
            throw new IllegalArgumentException("limits.maxBody: " + maxBodyBytes + " is above the ceiling of 1 GiB;"
                    + " split larger loads into several requests");
        }
        if (maxInFlightBytes < maxBodyBytes) {
            throw new IllegalArgumentException("limits.maxInFlight (" + maxInFlightBytes + ") must be at least"
                    + " limits.maxBody (" + maxBodyBytes + "), or no body of the largest size could be read");
        }
        if (maxRecordBytes > maxBodyBytes) {
            throw new IllegalArgumentException("limits.maxRecord (" + maxRecordBytes + ") must not exceed"
                    + " limits.maxBody (" + maxBodyBytes + ")");
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": must be positive; got " + value);
        }
    }
}

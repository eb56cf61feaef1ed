package dev.faucet.server.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts NDJSON input into {@link Batch}es of at most {@code maxRecords} lines and, past the first line of a batch, at
 * most {@code maxBytes}. Lines are bytes, sent as they are (the server checks UTF-8 and JSON and names the line); a
 * {@code \r\n} ending becomes {@code \n}. Blank lines (spaces and tabs only, which the server skips as well) are left
 * out but counted, so input line numbers stay right. Batches depend only on the input, so the same input always gives
 * the same batches: that is what makes a second run with the same {@code --idempotency-prefix} safe.
 */
final class NdjsonBatches {
    private final InputStream in;
    private final int maxRecords;
    private final int maxBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private boolean ended;
    private int inputLine;
    private int batches;
    private byte[] pending;

    NdjsonBatches(InputStream in, int maxRecords, int maxBytes) {
        this.in = in;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    /** The next batch, or null once the input has ended. */
    Batch next() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int[] lines = new int[Math.min(maxRecords, 1024)];
        int count = 0;
        while (count < maxRecords) {
            byte[] line = pending != null ? pending : nextLine();
            if (line == null) {
                break;
            }
            if (count > 0 && body.size() + line.length + 1 > maxBytes) {
                pending = line;
                break;
            }
            pending = null;
            body.write(line);
            body.write('\n');
            if (count == lines.length) {
                lines = Arrays.copyOf(lines, Math.min(maxRecords, lines.length * 2));
            }
            lines[count++] = inputLine;
        }
        if (count == 0) {
            return null;
        }
        return new Batch(++batches, body.toByteArray(), body.size(), Arrays.copyOf(lines, count));
    }

    /** The next line that is not blank, without its line ending, counting every line read; null at the end. */
    private byte[] nextLine() throws IOException {
        while (true) {
            byte[] line = readLine();
            if (line == null) {
                return null;
            }
            inputLine++;
            if (!isBlank(line)) {
                return line;
            }
        }
    }

    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (position == limit && !fill()) {
                return line.size() == 0 ? null : stripCr(line.toByteArray());
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            line.write(buffer, start, position - start);
            if (position < limit) {
                position++;
                return stripCr(line.toByteArray());
            }
        }
    }

    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        int n = in.read(buffer);
        if (n < 0) {
            ended = true;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private static byte[] stripCr(byte[] line) {
        return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}

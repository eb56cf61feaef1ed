package dev.faucet.server.cli;

/**
 * One request's worth of NDJSON input: the body as sent (one record per line, blank input lines left out) and, for
 * each line of the body, the line of the input it came from, so that the server's batch-relative line numbers can be
 * given back as input lines.
 *
 * @param number     1 for the first batch of a run
 * @param body       UTF-8 NDJSON, each line ending in {@code \n}
 * @param length     the bytes of {@code body} in use
 * @param inputLines {@code inputLines[i]} is the input line of body line {@code i + 1}
 */
record Batch(int number, byte[] body, int length, int[] inputLines) {
    int records() {
        return inputLines.length;
    }

    int firstInputLine() {
        return inputLines[0];
    }

    int lastInputLine() {
        return inputLines[inputLines.length - 1];
    }

    /** The input line of a (1-based) line of the body, or -1 if there is no such line. */
    int inputLine(int bodyLine) {
        return bodyLine >= 1 && bodyLine <= inputLines.length ? inputLines[bodyLine - 1] : -1;
    }
}

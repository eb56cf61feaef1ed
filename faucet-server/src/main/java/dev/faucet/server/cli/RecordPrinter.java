package dev.faucet.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;

/**
 * Writes record objects to stdout as NDJSON, one compact line each, and counts them against {@code --max}. Output
 * is flushed when the caller has nothing more at hand, so a pipe sees records as they come without a flush per line.
 * Once stdout is gone (the reader of a pipe quit) the printer is {@link #done}.
 */
final class RecordPrinter {
    private final PrintWriter out;
    private final long max;
    private long printed;
    private boolean broken;

    /** @param max the most records to print; {@link Long#MAX_VALUE} for no limit */
    RecordPrinter(PrintWriter out, long max) {
        this.out = out;
        this.max = max;
    }

    void print(JsonNode record) {
        try {
            out.write(Json.MAPPER.writeValueAsString(record));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
        out.write('\n');
        printed++;
    }

    /** Prints the records of a JSON array (if {@code only} is not null, those of that partition) until done. */
    void printAll(JsonNode records, Integer only) {
        for (JsonNode r : records) {
            if (done()) {
                return;
            }
            if (only == null || r.path("partition").asInt() == only) {
                print(r);
            }
        }
    }

    /**
     * Flushes, and notices when stdout has gone: picocli's default stdout writes through {@code System.out}, a
     * {@code PrintStream} that swallows write errors, so its error flag is asked as well.
     */
    void flush() {
        broken |= out.checkError() || System.out.checkError();
    }

    /** True once {@code --max} records are printed or stdout is gone. */
    boolean done() {
        return printed >= max || broken;
    }

    /** How many more records may be printed. */
    long remaining() {
        return max - printed;
    }

    long printed() {
        return printed;
    }
}

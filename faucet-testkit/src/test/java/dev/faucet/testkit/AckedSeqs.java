package dev.faucet.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

/** The input sequence numbers the children of {@link PipelineCrashIT} acknowledged ({@code ACK <first>-<last> $}). */
final class AckedSeqs {
    private final List<long[]> ranges = new ArrayList<>();
    private long count;

    /** Takes the ACK lines of one child; other lines are ignored. */
    void add(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("ACK ") && line.endsWith(" $")) {
                String[] r = line.substring(4, line.length() - 2).split("-");
                long first = Long.parseLong(r[0]);
                long last = Long.parseLong(r[1]);
                ranges.add(new long[] {first, last});
                count += last - first + 1;
            }
        }
    }

    long count() {
        return count;
    }

    long[] all() {
        return ranges.stream().flatMapToLong(r -> LongStream.rangeClosed(r[0], r[1])).toArray();
    }
}

package dev.faucet.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a test sees of a log through its public reads and on disk. */
final class LogFiles {
    private LogFiles() {
    }

    /** Every record of a partition from its start offset to its end offset, read in pieces. */
    static List<LogRecord> readAll(Log log, String topic, int partition) {
        List<LogRecord> out = new ArrayList<>();
        long offset = 0;
        while (true) {
            List<LogRecord> batch = log.read(topic, partition, offset, 1000);
            if (batch.isEmpty()) {
                return out;
            }
            out.addAll(batch);
            offset = batch.get(batch.size() - 1).offset() + 1;
        }
    }

    static PartitionInfo partitionInfo(Log log, String topic, int partition) {
        return log.topic(topic).orElseThrow().partitions().get(partition);
    }

    static Path partitionDir(Log log, String topic, int partition) {
        return log.dir().resolve("topics").resolve(topic).resolve(Integer.toString(partition));
    }

    /** The base offsets of the partition's segment files ({@code <base>.log}), in order. */
    static List<Long> segmentBases(Path partitionDir) throws IOException {
        try (Stream<Path> s = Files.list(partitionDir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.log"))
                    .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        }
    }
}

package dev.faucet.log.partition;

import dev.faucet.log.FileSeam;
import dev.faucet.log.FsyncPolicy;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.commit.JournalEntry;
import dev.faucet.log.format.FileHeaderDescriptor;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.segment.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Recovers one partition from its files and the committed end the journal names: everything after that end was never
 * committed and is cut; the committed bytes of the active segment are verified; a mismatch inside the committed region
 * is refused, never silently truncated (except for {@code fsync: never} topics, which may lose their tail).
 */
public final class PartitionLoader {
    private final FileSeam seam;
    private final int indexIntervalBytes;
    private final InstantSource clock;
    private final List<String> notes;

    public PartitionLoader(FileSeam seam, int indexIntervalBytes, InstantSource clock, List<String> notes) {
        this.seam = seam;
        this.indexIntervalBytes = indexIntervalBytes;
        this.clock = clock;
        this.notes = notes;
    }

    /** Creates the directory and first segment of a new partition. */
    public Partition create(int topicId, TopicConfig config, int index, Path dir) throws IOException {
        Files.createDirectories(dir);
        Segment first = Segment.create(seam, dir, 0, indexIntervalBytes, clock.millis());
        seam.forceDirectory(dir);
        return new Partition(topicId, config, index, dir, seam, indexIntervalBytes, new Segment[] {first});
    }

    /** Opens a partition after a clean stop or a crash; {@code end} is null when nothing was ever committed. */
    public Partition load(int topicId, TopicConfig config, int index, Path dir, JournalEntry end)
            throws IOException, FormatException {
        deleteLeftovers(dir);
        List<Long> bases = segmentBases(dir);
        long activeBase = end == null ? (bases.isEmpty() ? 0 : bases.get(0)) : end.segmentBase();
        if (end != null && !bases.contains(activeBase)) {
            throw new FormatException(dir.resolve(Segment.fileName(activeBase, ".log")).toString(), 0,
                    "the segment holding committed records up to offset " + end.endOffset() + " is missing");
        }
        List<Segment> segments = new ArrayList<>();
        try {
            for (long base : bases) {
                if (base > activeBase) {
                    deleteUncommitted(dir, base);
                } else if (base < activeBase) {
                    segments.add(Segment.open(seam, segmentPath(dir, base), -1, indexIntervalBytes, false,
                            clock.millis()));
                } else {
                    segments.add(openActive(config, dir, base, end));
                }
            }
            if (segments.isEmpty()) {
                segments.add(Segment.create(seam, dir, 0, indexIntervalBytes, clock.millis()));
            }
        } catch (IOException | FormatException | RuntimeException e) {
            for (Segment s : segments) {
                s.close();
            }
            throw e;
        }
        return new Partition(topicId, config, index, dir, seam, indexIntervalBytes, segments.toArray(Segment[]::new));
    }

    private Segment openActive(TopicConfig config, Path dir, long base, JournalEntry end)
            throws IOException, FormatException {
        Path path = segmentPath(dir, base);
        long valid = end == null ? FileHeaderDescriptor.LENGTH : end.position();
        try {
            Segment s = Segment.open(seam, path, valid, indexIntervalBytes, true, clock.millis());
            if (end != null && s.nextOffset() != end.endOffset()) {
                s.close();
                throw new FormatException(path.toString(), valid, "committed data ends at offset " + s.nextOffset()
                        + " but the commit journal says " + end.endOffset());
            }
            return s;
        } catch (FormatException e) {
            if (config.fsync() != FsyncPolicy.NEVER) {
                throw e;
            }
            notes.add("topic " + config.name() + " (fsync: never) lost its unflushed tail: " + e.getMessage());
            Segment s = Segment.open(seam, path, Segment.SALVAGE, indexIntervalBytes, true, clock.millis());
            if (end != null) {
                // Offsets that were acknowledged before the loss are never handed out again.
                s.skipTo(end.endOffset());
            }
            return s;
        }
    }

    private void deleteUncommitted(Path dir, long base) throws IOException {
        notes.add("deleted segment " + segmentPath(dir, base) + ", created after the last commit");
        for (String suffix : new String[] {".log", ".index", ".timeindex"}) {
            Files.deleteIfExists(dir.resolve(Segment.fileName(base, suffix)));
        }
    }

    private static void deleteLeftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".cleaned")).toList()) {
                Files.delete(p);
            }
        }
    }

    private static Path segmentPath(Path dir, long base) {
        return dir.resolve(Segment.fileName(base, ".log"));
    }

    private static List<Long> segmentBases(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.log"))
                    .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        }
    }
}

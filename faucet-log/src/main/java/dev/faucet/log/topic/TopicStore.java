package dev.faucet.log.topic;

import dev.faucet.log.FileSeam;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.commit.JournalEntry;
import dev.faucet.log.format.FormatException;
import dev.faucet.log.partition.Partition;
import dev.faucet.log.partition.PartitionLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Topic directories under {@code DATA/topics}: creating them (partitions first, settings file last, so a topic
 * exists once its {@code topic.meta} does), loading them at open, and deleting them through {@code DATA/trash}.
 */
public final class TopicStore {
    private final FileSeam seam;
    private final Path topicsDir;
    private final Path trashDir;

    public TopicStore(FileSeam seam, Path dataDir) throws IOException {
        this.seam = seam;
        this.topicsDir = Files.createDirectories(dataDir.resolve("topics"));
        this.trashDir = Files.createDirectories(dataDir.resolve("trash"));
    }

    public Topic create(int id, TopicConfig config, PartitionLoader loader) throws IOException {
        Path dir = topicsDir.resolve(config.name());
        deleteTree(dir);
        Files.createDirectories(dir);
        Partition[] partitions = new Partition[config.partitions()];
        for (int p = 0; p < partitions.length; p++) {
            partitions[p] = loader.create(id, config, p, dir.resolve(Integer.toString(p)));
        }
        seam.forceDirectory(dir);
        TopicMetaCodec.write(seam, dir, id, config);
        seam.forceDirectory(topicsDir);
        return new Topic(id, config, dir, partitions);
    }

    /** Loads every complete topic; removes half-created ones and finishes deletions a crash interrupted. */
    public List<Topic> loadAll(Map<Long, JournalEntry> ends, PartitionLoader loader, List<String> notes)
            throws IOException, FormatException {
        emptyTrash();
        List<Topic> topics = new ArrayList<>();
        for (Path dir : list(topicsDir)) {
            if (!Files.exists(dir.resolve(TopicMetaCodec.FILE))) {
                notes.add("removed " + dir + ": its creation never finished");
                deleteTree(dir);
                continue;
            }
            topics.add(load(dir, ends, loader));
        }
        return topics;
    }

    private Topic load(Path dir, Map<Long, JournalEntry> ends, PartitionLoader loader)
            throws IOException, FormatException {
        TopicMetaCodec.Meta meta = TopicMetaCodec.read(seam, dir);
        TopicConfig c = meta.config();
        Partition[] partitions = new Partition[c.partitions()];
        for (int p = 0; p < partitions.length; p++) {
            JournalEntry end = ends.get(JournalEntry.key(meta.id(), p));
            partitions[p] = loader.load(meta.id(), c, p, dir.resolve(Integer.toString(p)), end);
        }
        return new Topic(meta.id(), c, dir, partitions);
    }

    /** Whether any complete topic (one with its settings file) exists. */
    public boolean hasTopics() throws IOException {
        for (Path dir : list(topicsDir)) {
            if (Files.exists(dir.resolve(TopicMetaCodec.FILE))) {
                return true;
            }
        }
        return false;
    }

    /** Moves the topic's directory to the trash (atomically), then deletes it. */
    public void delete(Topic topic) throws IOException {
        Path target = trashDir.resolve(topic.id() + "-" + topic.name());
        Files.move(topic.dir(), target, StandardCopyOption.ATOMIC_MOVE);
        seam.forceDirectory(topicsDir);
        deleteTree(target);
    }

    private void emptyTrash() throws IOException {
        for (Path p : list(trashDir)) {
            deleteTree(p);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

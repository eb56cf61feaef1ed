package dev.faucet.log.commit;

import static dev.faucet.log.format.CommitRecordDescriptor.ENTRY_LENGTH;
import static dev.faucet.log.format.CommitRecordDescriptor.FRAME_LENGTH;

import dev.faucet.log.FileSeam;
import dev.faucet.log.LogFile;
import dev.faucet.log.format.CommitRecordDescriptor;
import dev.faucet.log.format.FileHeaderDescriptor;
import dev.faucet.log.format.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The commit journal ({@link CommitRecordDescriptor}): one file at a time in {@code DATA/journal}, each opened by a
 * checkpoint. Appended and forced by the writer thread only.
 */
public final class CommitJournal implements AutoCloseable {
    private static final String SUFFIX = ".journal";
    /** A checkpoint of this many bytes names about two million partitions. */
    private static final int MAX_CHECKPOINT_BYTES = 64 << 20;

    private final FileSeam seam;
    private final Path dir;
    private final LogFile file;
    private final long sequence;
    private long size;

    private CommitJournal(FileSeam seam, Path dir, LogFile file, long sequence, long size) {
        this.seam = seam;
        this.dir = dir;
        this.file = file;
        this.sequence = sequence;
        this.size = size;
    }

    /** What recovery learned from the journal: the committed end of every partition and the last commit id. */
    public record Recovered(Map<Long, JournalEntry> ends, long lastCommitId, long lastSequence, int maxTopicId,
            List<String> notes) {
    }

    /**
     * Reads the newest journal file that opens with a whole checkpoint; that checkpoint names every partition's end,
     * so older files hold nothing more (they are deleted once the next file starts). A newer file without a whole
     * checkpoint was being started when the log stopped: it holds no commit and is removed. In the file read, a torn
     * record at the very end is a commit that never finished (it was not acknowledged) and is cut; a bad record
     * followed by an intact one is corruption and refused. When no file has a whole checkpoint and no topic exists,
     * the very first open was cut short: the log starts empty.
     */
    public static Recovered recover(FileSeam seam, Path dir, boolean hasTopics) throws IOException, FormatException {
        Files.createDirectories(dir);
        List<Path> files = journalFiles(dir);
        Map<Long, JournalEntry> ends = new HashMap<>();
        List<String> notes = new ArrayList<>();
        long[] last = {0, 0};
        int[] maxTopic = {0};
        for (int i = files.size() - 1; i >= 0; i--) {
            Path file = files.get(i);
            if (startsWithCheckpoint(seam, file)) {
                last[1] = readFile(seam, file, true, ends, last, maxTopic, notes);
                break;
            }
            if (i == 0 && hasTopics) {
                throw new FormatException(file.toString(), FileHeaderDescriptor.LENGTH,
                        "no journal file opens with a whole checkpoint, yet topics exist");
            }
            notes.add("removed " + file + ": a new journal file whose checkpoint was never completed");
            Files.delete(file);
        }
        return new Recovered(ends, last[0], last[1], maxTopic[0], notes);
    }

    private static boolean startsWithCheckpoint(FileSeam seam, Path path) throws IOException {
        try (LogFile f = seam.open(path)) {
            int length = (int) Math.min(f.size(), FileHeaderDescriptor.LENGTH + (long) MAX_CHECKPOINT_BYTES);
            ByteBuffer head = ByteBuffer.allocate(length);
            f.read(head, 0);
            head.flip();
            try {
                FileHeaderDescriptor.decode(head, FileHeaderDescriptor.JOURNAL_MAGIC, path.toString());
            } catch (FormatException e) {
                return false;
            }
            int pos = FileHeaderDescriptor.LENGTH;
            int end = recordEnd(head, pos);
            return end >= 0 && CommitRecordDescriptor.valid(head, pos, end)
                    && head.get(pos + CommitRecordDescriptor.KIND_OFFSET) == CommitRecordDescriptor.KIND_CHECKPOINT;
        }
    }

    private static long readFile(FileSeam seam, Path path, boolean newest, Map<Long, JournalEntry> ends,
            long[] last, int[] maxTopic, List<String> notes) throws IOException, FormatException {
        try (LogFile f = seam.open(path)) {
            ByteBuffer all = ByteBuffer.allocate((int) f.size());
            f.read(all, 0);
            all.flip();
            long seq = FileHeaderDescriptor.decode(all, FileHeaderDescriptor.JOURNAL_MAGIC, path.toString());
            int pos = FileHeaderDescriptor.LENGTH;
            while (pos < all.limit()) {
                int end = recordEnd(all, pos);
                if (end < 0 || !CommitRecordDescriptor.valid(all, pos, end)) {
                    if (!newest || intactRecordAfter(all, pos)) {
                        throw new FormatException(path.toString(), pos, "commit record is corrupt"
                                + (newest ? " and intact commit records follow it, so it is not a torn write" : ""));
                    }
                    notes.add("cut an unfinished commit record at byte " + pos + " of " + path
                            + " (it was never acknowledged)");
                    f.truncate(pos);
                    break;
                }
                apply(all, pos, ends, last, maxTopic);
                pos = end;
            }
            return seq;
        }
    }

    /**
     * Whether an intact commit record starts anywhere after the bad one at {@code pos}. A torn write leaves only a
     * prefix of the last record, so anything intact after a bad record means the bad one is corruption of committed
     * data. Candidates are checked for a consistent length, entry count and kind before their checksum.
     */
    private static boolean intactRecordAfter(ByteBuffer all, int pos) {
        int fixedBody = CommitRecordDescriptor.ENTRIES_OFFSET - FRAME_LENGTH;
        for (int q = pos + 1; q + CommitRecordDescriptor.ENTRIES_OFFSET <= all.limit(); q++) {
            long body = all.getInt(q);
            long entries = all.getInt(q + CommitRecordDescriptor.ENTRY_COUNT_OFFSET);
            byte kind = all.get(q + CommitRecordDescriptor.KIND_OFFSET);
            if (entries < 0 || body != fixedBody + entries * ENTRY_LENGTH
                    || (kind != CommitRecordDescriptor.KIND_COMMIT && kind != CommitRecordDescriptor.KIND_CHECKPOINT)) {
                continue;
            }
            int end = recordEnd(all, q);
            if (end >= 0 && CommitRecordDescriptor.valid(all, q, end)) {
                return true;
            }
        }
        return false;
    }

    private static int recordEnd(ByteBuffer all, int pos) {
        if (all.limit() - pos < CommitRecordDescriptor.ENTRIES_OFFSET) {
            return -1;
        }
        long end = (long) pos + FRAME_LENGTH + all.getInt(pos);
        return end > all.limit() || end < pos + CommitRecordDescriptor.ENTRIES_OFFSET ? -1 : (int) end;
    }

    private static void apply(ByteBuffer all, int pos, Map<Long, JournalEntry> ends, long[] last, int[] maxTopic) {
        last[0] = Math.max(last[0], all.getLong(pos + CommitRecordDescriptor.COMMIT_ID_OFFSET));
        if (all.get(pos + CommitRecordDescriptor.KIND_OFFSET) == CommitRecordDescriptor.KIND_CHECKPOINT) {
            ends.clear();
        }
        int count = all.getInt(pos + CommitRecordDescriptor.ENTRY_COUNT_OFFSET);
        for (int i = 0; i < count; i++) {
            int e = pos + CommitRecordDescriptor.ENTRIES_OFFSET + i * ENTRY_LENGTH;
            JournalEntry entry = new JournalEntry(all.getInt(e), all.getInt(e + 4), all.getLong(e + 8),
                    all.getLong(e + 16), all.getLong(e + 24));
            ends.put(entry.key(), entry);
            maxTopic[0] = Math.max(maxTopic[0], entry.topicId());
        }
    }

    /**
     * Starts journal file {@code sequence} with a checkpoint of {@code ends}, makes it durable, and deletes the
     * older files, whose content the checkpoint replaces.
     */
    public static CommitJournal start(FileSeam seam, Path dir, long sequence, long commitId,
            Collection<JournalEntry> ends) throws IOException {
        Path path = dir.resolve(String.format("%020d%s", sequence, SUFFIX));
        Files.deleteIfExists(path);
        LogFile file = seam.open(path);
        CommitJournal journal = new CommitJournal(seam, dir, file, sequence, 0);
        file.append(FileHeaderDescriptor.encode(FileHeaderDescriptor.JOURNAL_MAGIC, sequence));
        journal.size = FileHeaderDescriptor.LENGTH;
        journal.write(commitId, CommitRecordDescriptor.KIND_CHECKPOINT, ends);
        file.force();
        seam.forceDirectory(dir);
        for (Path old : journalFiles(dir)) {
            if (!old.equals(path)) {
                Files.delete(old);
            }
        }
        return journal;
    }

    /** Appends a commit record (not yet durable). */
    public void append(long commitId, Collection<JournalEntry> entries) throws IOException {
        write(commitId, CommitRecordDescriptor.KIND_COMMIT, entries);
    }

    private void write(long commitId, byte kind, Collection<JournalEntry> entries) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CommitRecordDescriptor.length(entries.size()));
        buf.position(CommitRecordDescriptor.COMMIT_ID_OFFSET);
        buf.putLong(commitId).put(kind).putInt(entries.size());
        for (JournalEntry e : entries) {
            buf.putInt(e.topicId()).putInt(e.partition()).putLong(e.endOffset()).putLong(e.segmentBase())
                    .putLong(e.position());
        }
        CommitRecordDescriptor.frame(buf, 0, buf.position());
        file.append(buf.flip());
        size += buf.limit();
    }

    public void force() throws IOException {
        file.force();
    }

    public boolean isFull(long limitBytes) {
        return size >= limitBytes;
    }

    public long sequence() {
        return sequence;
    }

    public FileSeam seam() {
        return seam;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private static List<Path> journalFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }
}

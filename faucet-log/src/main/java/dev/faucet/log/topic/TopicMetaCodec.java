package dev.faucet.log.topic;

import dev.faucet.log.FileSeam;
import dev.faucet.log.FsyncPolicy;
import dev.faucet.log.LogFile;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.format.FileHeaderDescriptor;
import dev.faucet.log.format.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.zip.CRC32C;

/**
 * A topic's settings file, {@code topic.meta}: a {@link FileHeaderDescriptor} (base = topic id) followed by
 *
 * <pre>
 *   body length i32 | crc32c of body i32 | body:
 *   name length i16 | name UTF-8 | partitions i32 | retention ms i64 (-1 = forever) | retention bytes i64 (-1)
 *   | compact i8 | fsync i8 (0 always, 1 never) | segment bytes i64 | segment age ms i64
 * </pre>
 *
 * Written to a temporary file, fsynced and renamed into place, so it is either whole or absent.
 */
public final class TopicMetaCodec {
    public static final String FILE = "topic.meta";

    private TopicMetaCodec() {
    }

    public static void write(FileSeam seam, Path topicDir, int topicId, TopicConfig c) throws IOException {
        byte[] name = c.name().getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(2 + name.length + 4 + 8 + 8 + 1 + 1 + 8 + 8);
        body.putShort((short) name.length).put(name).putInt(c.partitions())
                .putLong(c.retentionTime() == null ? -1 : c.retentionTime().toMillis()).putLong(c.retentionBytes())
                .put((byte) (c.compact() ? 1 : 0)).put((byte) c.fsync().ordinal()).putLong(c.segmentBytes())
                .putLong(c.segmentAge().toMillis()).flip();
        ByteBuffer frame = ByteBuffer.allocate(8).putInt(body.remaining()).putInt(crc(body)).flip();
        Path tmp = topicDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        try (LogFile f = seam.open(tmp)) {
            f.append(FileHeaderDescriptor.encode(FileHeaderDescriptor.TOPIC_MAGIC, topicId), frame, body);
            f.force();
        }
        Files.move(tmp, topicDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        seam.forceDirectory(topicDir);
    }

    /** A topic's id and settings. */
    public record Meta(int id, TopicConfig config) {
    }

    public static Meta read(FileSeam seam, Path topicDir) throws IOException, FormatException {
        Path path = topicDir.resolve(FILE);
        try (LogFile f = seam.open(path)) {
            ByteBuffer all = ByteBuffer.allocate((int) Math.min(f.size(), 1 << 20));
            f.read(all, 0);
            all.flip();
            int id = (int) FileHeaderDescriptor.decode(all, FileHeaderDescriptor.TOPIC_MAGIC, path.toString());
            all.position(FileHeaderDescriptor.LENGTH);
            try {
                int length = all.getInt();
                int crc = all.getInt();
                ByteBuffer body = all.slice(all.position(), length);
                if (crc != crc(body)) {
                    throw new FormatException(path.toString(), FileHeaderDescriptor.LENGTH, "checksum mismatch");
                }
                return new Meta(id, decode(body));
            } catch (RuntimeException e) {
                throw new FormatException(path.toString(), FileHeaderDescriptor.LENGTH, "malformed: " + e);
            }
        }
    }

    private static TopicConfig decode(ByteBuffer b) {
        byte[] name = new byte[b.getShort()];
        b.get(name);
        int partitions = b.getInt();
        long retentionMs = b.getLong();
        long retentionBytes = b.getLong();
        boolean compact = b.get() == 1;
        FsyncPolicy fsync = FsyncPolicy.values()[b.get()];
        long segmentBytes = b.getLong();
        long segmentAgeMs = b.getLong();
        return new TopicConfig(new String(name, StandardCharsets.UTF_8), partitions,
                retentionMs < 0 ? null : Duration.ofMillis(retentionMs), retentionBytes, compact, fsync, segmentBytes,
                Duration.ofMillis(segmentAgeMs));
    }

    private static int crc(ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(b.duplicate());
        return (int) crc.getValue();
    }
}

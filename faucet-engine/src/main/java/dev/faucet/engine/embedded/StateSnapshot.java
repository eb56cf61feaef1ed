package dev.faucet.engine.embedded;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A snapshot of one task's dedupe state at a changelog offset, so that a start reads the changelog only from there
 * instead of from its beginning. Written to a temporary file, forced, then renamed over the old one, so a crash
 * leaves the old snapshot or the new one. The changelog stays the truth: a missing, damaged or newer-than-the-log
 * snapshot is ignored and the whole changelog partition is read.
 *
 * <p>Format: magic {@code FSS1}, changelog offset (8 bytes), entry count (4), then per entry the key (2-byte length,
 * UTF-8) and the event time (8), then a CRC-32C of everything before it.
 */
final class StateSnapshot {
    private static final int MAGIC = 0x46535331; // "FSS1"

    private StateSnapshot() {
    }

    /** What a snapshot holds: the state as of {@code offset}, the next changelog offset it does not include. */
    record Loaded(long offset, Map<String, Long> entries) {
    }

    static void write(Path file, long offset, Map<String, Long> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + entries.size() * 24);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeLong(offset);
        out.writeInt(entries.size());
        for (Map.Entry<String, Long> e : entries.entrySet()) {
            byte[] k = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (k.length > 0xFFFF) {
                throw new IOException("a key of " + k.length + " bytes does not fit a snapshot; the changelog is"
                        + " read instead");
            }
            out.writeShort(k.length);
            out.write(k);
            out.writeLong(e.getValue());
        }
        out.flush();
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeInt((int) crc.getValue());
        out.flush();
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes.toByteArray());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot force a directory; the rename is then as durable as they make it
        }
    }

    /** The snapshot in {@code file}, or null when there is none or it is damaged. */
    static Loaded read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            byte[] all = Files.readAllBytes(file);
            if (all.length < 20) {
                return null;
            }
            CRC32C crc = new CRC32C();
            crc.update(all, 0, all.length - 4);
            if ((int) crc.getValue() != ByteBuffer.wrap(all, all.length - 4, 4).getInt()) {
                return null;
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 4));
            if (in.readInt() != MAGIC) {
                return null;
            }
            long offset = in.readLong();
            int n = in.readInt();
            Map<String, Long> entries = new HashMap<>(Math.max(16, n * 2));
            for (int i = 0; i < n; i++) {
                byte[] k = new byte[in.readUnsignedShort()];
                in.readFully(k);
                entries.put(new String(k, StandardCharsets.UTF_8), in.readLong());
            }
            return new Loaded(offset, entries);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

package dev.faucet.log;

import dev.faucet.log.format.CommitRecordDescriptor;
import dev.faucet.log.format.FileHeaderDescriptor;
import dev.faucet.log.format.RecordBatchDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Test fixture for the log's files on disk: reads whole partitions back, finds segments, batches and journal records
 * (parsed with the format descriptors), and damages files the way disks and crashes do.
 */
final class LogDisk {
    private LogDisk() {
    }

    /** Where one record batch sits in a segment file. */
    record Batch(long position, int totalLength, long baseOffset, int recordCount) {
        long end() {
            return position + totalLength;
        }
    }

    /** Where one commit record sits in a journal file. */
    record JournalRecord(int position, int length) {
    }

    /** Every committed record of a partition, in offset order. */
    static List<LogRecord> readAll(Log log, String topic, int partition) {
        List<LogRecord> out = new ArrayList<>();
        long offset = 0;
        for (int round = 0; round < 1_000_000; round++) {
            List<LogRecord> batch = log.read(topic, partition, offset, 1000);
            if (batch.isEmpty()) {
                return out;
            }
            out.addAll(batch);
            offset = batch.get(batch.size() - 1).offset() + 1;
        }
        throw new AssertionError("reading " + topic + "-" + partition + " did not end");
    }

    static Path partitionDir(Path dataDir, String topic, int partition) {
        return dataDir.resolve("topics").resolve(topic).resolve(Integer.toString(partition));
    }

    /** The segment files of a partition, oldest first; the last is the active one. */
    static List<Path> segments(Path dataDir, String topic, int partition) {
        return list(partitionDir(dataDir, topic, partition), ".log");
    }

    /** The journal files, oldest first. */
    static List<Path> journals(Path dataDir) {
        return list(dataDir.resolve("journal"), ".journal");
    }

    static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The batches of a segment file, parsed from their length fields. */
    static List<Batch> batches(Path segment) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<Batch> out = new ArrayList<>();
        int pos = FileHeaderDescriptor.LENGTH;
        while (pos + RecordBatchDescriptor.HEADER_LENGTH <= all.limit()) {
            int total = RecordBatchDescriptor.LOG_OVERHEAD
                    + all.getInt(pos + RecordBatchDescriptor.BATCH_LENGTH_OFFSET);
            out.add(new Batch(pos, total, all.getLong(pos + RecordBatchDescriptor.BASE_OFFSET_OFFSET),
                    all.getInt(pos + RecordBatchDescriptor.RECORD_COUNT_OFFSET)));
            pos += total;
        }
        return out;
    }

    /** The records of a journal file (the checkpoint first), parsed from their length fields. */
    static List<JournalRecord> journalRecords(Path journal) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(journal));
        List<JournalRecord> out = new ArrayList<>();
        int pos = FileHeaderDescriptor.LENGTH;
        while (pos + CommitRecordDescriptor.FRAME_LENGTH <= all.limit()) {
            int length = CommitRecordDescriptor.FRAME_LENGTH + all.getInt(pos);
            out.add(new JournalRecord(pos, length));
            pos += length;
        }
        return out;
    }

    static void flipBit(Path file, long position, int bit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[Math.toIntExact(position)] ^= (byte) (1 << bit);
        Files.write(file, bytes);
    }

    static void appendBytes(Path file, byte[] extra) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        byte[] grown = Arrays.copyOf(bytes, bytes.length + extra.length);
        System.arraycopy(extra, 0, grown, bytes.length, extra.length);
        Files.write(file, grown);
    }

    static void truncate(Path file, long length) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, Math.toIntExact(Math.min(length, bytes.length))));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
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

    /** Every regular file under {@code dir} with its size and SHA-256, by relative path, to compare trees. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(p);
                out.put(dir.relativize(p).toString(), bytes.length + " bytes, sha256 " + sha256(bytes));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

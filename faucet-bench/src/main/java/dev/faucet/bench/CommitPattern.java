package dev.faucet.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The log's group commit over several partitions, without the log: append {@code bytesPerFile} to each of
 * {@code files} files, force them (one after the other, as the log's writer does, or all at once from a pool), then
 * append a small commit record to a journal file and force it. The machine's limit for that I/O pattern, in commits
 * per second.
 */
final class CommitPattern {
    private static final int JOURNAL_RECORD = 300;

    private CommitPattern() {
    }

    static double commitsPerSecond(Path dir, int files, int bytesPerFile, boolean parallel, double seconds)
            throws IOException {
        List<FileChannel> channels = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(files);
        try {
            for (int i = 0; i < files; i++) {
                channels.add(open(dir.resolve("segment-" + i)));
            }
            FileChannel journal = open(dir.resolve("journal"));
            channels.add(journal);
            ByteBuffer data = ByteBuffer.allocateDirect(bytesPerFile).put(DiskBaseline.randomBytes(bytesPerFile));
            ByteBuffer record = ByteBuffer.allocateDirect(JOURNAL_RECORD);
            long n = 0;
            long start = System.nanoTime();
            long now = start;
            while (now - start < seconds * 1e9) {
                for (FileChannel ch : channels.subList(0, files)) {
                    write(ch, data);
                }
                force(channels.subList(0, files), parallel ? pool : null);
                write(journal, record);
                journal.force(false);
                n++;
                now = System.nanoTime();
            }
            return n / ((now - start) / 1e9);
        } finally {
            pool.shutdownNow();
            for (FileChannel ch : channels) {
                ch.close();
            }
            BenchDir.deleteTree(dir);
            Files.createDirectories(dir);
        }
    }

    private static FileChannel open(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    private static void write(FileChannel ch, ByteBuffer b) throws IOException {
        b.clear();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void force(List<FileChannel> channels, ExecutorService pool) throws IOException {
        if (pool == null) {
            for (FileChannel ch : channels) {
                ch.force(false);
            }
            return;
        }
        List<Future<?>> done = new ArrayList<>();
        for (FileChannel ch : channels) {
            done.add(pool.submit(() -> {
                ch.force(false);
                return null;
            }));
        }
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IOException("fsync failed", e.getCause());
        }
    }
}

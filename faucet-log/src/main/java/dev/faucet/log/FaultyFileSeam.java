package dev.faucet.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link FileSeam} that injects the faults a real disk cannot produce on demand. Off unless a test (or a
 * configuration) turns a fault on; with nothing turned on it behaves like its delegate.
 *
 * <ul>
 *   <li>{@link #failForceAfter(int)}: the n-th fsync from now fails with EIO, and so does every later one.</li>
 *   <li>{@link #failWritesAfter(long)}: the disk fills up after n more bytes; the write that crosses the line is
 *       torn there and fails with ENOSPC.</li>
 *   <li>{@link #forceDelayMs(long)}: every fsync takes that much longer (a slow disk).</li>
 *   <li>{@link #crash(Random)}: power loss. Every file keeps what its last fsync made durable plus a random part of
 *       what was written after it (torn at any byte), and every open file stops working.</li>
 * </ul>
 * Thread-safe. An fsync that returned before {@link #crash} started is durable; one that had not returned fails.
 */
public final class FaultyFileSeam implements FileSeam {
    private final FileSeam delegate;
    private final Map<Path, FaultyFile> files = new ConcurrentHashMap<>();
    private final AtomicInteger forcesUntilFailure = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicLong bytesUntilFull = new AtomicLong(Long.MAX_VALUE);
    /** Writes and fsyncs hold it shared; a crash holds it alone, so no fsync straddles the crash. */
    private final ReadWriteLock crashLock = new ReentrantReadWriteLock();
    private volatile long forceDelayMs;
    private volatile boolean crashed;

    public FaultyFileSeam(FileSeam delegate) {
        this.delegate = delegate;
    }

    public FaultyFileSeam() {
        this(FileSeam.real());
    }

    public FaultyFileSeam failForceAfter(int okForces) {
        forcesUntilFailure.set(okForces);
        return this;
    }

    public FaultyFileSeam failWritesAfter(long okBytes) {
        bytesUntilFull.set(okBytes);
        return this;
    }

    /** Ends every injected fault: the disk has room and fsync works again. */
    public FaultyFileSeam heal() {
        forcesUntilFailure.set(Integer.MAX_VALUE);
        bytesUntilFull.set(Long.MAX_VALUE);
        forceDelayMs = 0;
        return this;
    }

    public FaultyFileSeam forceDelayMs(long delayMs) {
        this.forceDelayMs = delayMs;
        return this;
    }

    /**
     * Simulates a power loss: open files fail from now on, and each file on disk is cut to its durable length plus a
     * random number of the bytes written after its last fsync. Returns the files that lost bytes.
     */
    public List<Path> crash(Random random) throws IOException {
        crashLock.writeLock().lock();
        try {
            crashed = true;
        } finally {
            crashLock.writeLock().unlock();
        }
        List<Path> torn = new ArrayList<>();
        for (FaultyFile f : files.values()) {
            if (f.cutToDurable(random)) {
                torn.add(f.path());
            }
        }
        files.clear();
        return torn;
    }

    @Override
    public LogFile open(Path path) throws IOException {
        checkAlive();
        FaultyFile f = new FaultyFile(delegate.open(path));
        files.put(path, f);
        return f;
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        checkAlive();
        delegate.forceDirectory(dir);
    }

    private void checkAlive() throws IOException {
        if (crashed) {
            throw new IOException("injected crash: the disk is gone");
        }
    }

    private void beforeForce() throws IOException {
        checkAlive();
        long delay = forceDelayMs;
        if (delay > 0) {
            sleep(delay);
        }
        if (forcesUntilFailure.getAndUpdate(n -> n <= 0 ? 0 : n - 1) <= 0) {
            throw new IOException("injected fsync failure: Input/output error (EIO)");
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while delaying fsync", e);
        }
    }

    /** The bytes of this write that fit before the disk is full; -1 when all fit. */
    private long room(long wanted) {
        long before = bytesUntilFull.getAndUpdate(n -> n == Long.MAX_VALUE ? n : Math.max(0, n - wanted));
        return before >= wanted ? -1 : before;
    }

    private final class FaultyFile implements LogFile {
        private final LogFile file;
        private volatile long durableSize;
        private volatile boolean closed;

        FaultyFile(LogFile file) throws IOException {
            this.file = file;
            this.durableSize = file.size();
        }

        @Override
        public Path path() {
            return file.path();
        }

        @Override
        public long size() throws IOException {
            checkAlive();
            return file.size();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            checkAlive();
            return file.read(dst, position);
        }

        @Override
        public void append(ByteBuffer... srcs) throws IOException {
            crashLock.readLock().lock();
            try {
                appendAlive(srcs);
            } finally {
                crashLock.readLock().unlock();
            }
        }

        private void appendAlive(ByteBuffer... srcs) throws IOException {
            checkAlive();
            long wanted = 0;
            for (ByteBuffer b : srcs) {
                wanted += b.remaining();
            }
            long room = room(wanted);
            if (room < 0) {
                file.append(srcs);
                return;
            }
            file.append(prefix(srcs, room));
            throw new IOException("injected write failure: No space left on device (ENOSPC) after " + room
                    + " of " + wanted + " bytes");
        }

        private ByteBuffer prefix(ByteBuffer[] srcs, long bytes) {
            ByteBuffer out = ByteBuffer.allocate((int) bytes);
            for (ByteBuffer b : srcs) {
                int n = Math.min(b.remaining(), out.remaining());
                out.put(b.duplicate().limit(b.position() + n));
            }
            return out.flip();
        }

        @Override
        public void force() throws IOException {
            crashLock.readLock().lock();
            try {
                beforeForce();
                file.force();
                durableSize = file.size();
            } finally {
                crashLock.readLock().unlock();
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            checkAlive();
            file.truncate(size);
            durableSize = Math.min(durableSize, size);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            file.close();
        }

        /**
         * Cuts the file to its durable length plus a random part of the rest. The log keeps closing, renaming and
         * moving files while the crash runs (a compaction swap, a topic deletion): a file it closes meanwhile is cut
         * by its path, and a file that is gone has nothing left at its path to cut.
         */
        boolean cutToDurable(Random random) throws IOException {
            if (!java.nio.file.Files.exists(path())) {
                return false;
            }
            try (LogFile f = closed ? delegate.open(path()) : file) {
                long size = f.size();
                long lost = size > durableSize ? (long) (random.nextDouble() * (size - durableSize + 1)) : 0;
                long keep = Math.min(size, Math.max(durableSize, size - lost));
                if (keep < size) {
                    f.truncate(keep);
                }
                return keep < size;
            } catch (NoSuchFileException e) {
                return false; // renamed or moved away between the check above and the open
            } catch (ClosedChannelException e) {
                if (!closed) {
                    throw e;
                }
                return cutToDurable(random); // closed by the log while being cut: again, by its path
            }
        }
    }
}

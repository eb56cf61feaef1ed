package dev.faucet.bench;

import dev.faucet.log.FileSeam;
import dev.faucet.log.LogFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps {@link FileSeam#real()} to count what the log asks of the disk: file fsyncs, directory fsyncs, the time spent
 * in them, and the bytes appended. The counters only grow; take {@link #snapshot()}s and subtract.
 */
final class CountingFileSeam implements FileSeam {
    private final FileSeam real = FileSeam.real();
    private final LongAdder forces = new LongAdder();
    private final LongAdder forceNanos = new LongAdder();
    private final LongAdder directoryForces = new LongAdder();
    private final LongAdder appendedBytes = new LongAdder();
    private final LongAdder appendCalls = new LongAdder();

    /** The counters at one moment. */
    record Counts(long forces, long forceNanos, long directoryForces, long appendedBytes, long appendCalls) {
        Counts minus(Counts before) {
            return new Counts(forces - before.forces, forceNanos - before.forceNanos,
                    directoryForces - before.directoryForces, appendedBytes - before.appendedBytes,
                    appendCalls - before.appendCalls);
        }

        /** Every fsync: files and directories. */
        long allForces() {
            return forces + directoryForces;
        }
    }

    Counts snapshot() {
        return new Counts(forces.sum(), forceNanos.sum(), directoryForces.sum(), appendedBytes.sum(),
                appendCalls.sum());
    }

    @Override
    public LogFile open(Path path) throws IOException {
        return new Counted(real.open(path));
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        long t0 = System.nanoTime();
        real.forceDirectory(dir);
        forceNanos.add(System.nanoTime() - t0);
        directoryForces.increment();
    }

    /** One file, counted. */
    private final class Counted implements LogFile {
        private final LogFile file;

        Counted(LogFile file) {
            this.file = file;
        }

        @Override
        public Path path() {
            return file.path();
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public void append(ByteBuffer... srcs) throws IOException {
            long n = 0;
            for (ByteBuffer b : srcs) {
                n += b.remaining();
            }
            file.append(srcs);
            appendedBytes.add(n);
            appendCalls.increment();
        }

        @Override
        public void force() throws IOException {
            long t0 = System.nanoTime();
            file.force();
            forceNanos.add(System.nanoTime() - t0);
            forces.increment();
        }

        @Override
        public void truncate(long size) throws IOException {
            file.truncate(size);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }
}

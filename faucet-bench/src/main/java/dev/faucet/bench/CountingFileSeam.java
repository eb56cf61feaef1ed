package dev.faucet.bench;

import dev.faucet.log.FileSeam;
import dev.faucet.log.ForwardingLogFile;
import dev.faucet.log.LogFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps {@link FileSeam#real()} to count what the log asks of the disk: file fsyncs (and of those, the commit
 * journal's, one per durable group commit), directory fsyncs, the time spent in them, and the bytes appended. The
 * counters only grow; take {@link #snapshot()}s and subtract.
 */
final class CountingFileSeam implements FileSeam {
    private final FileSeam real = FileSeam.real();
    private final LongAdder forces = new LongAdder();
    private final LongAdder journalForces = new LongAdder();
    private final LongAdder forceNanos = new LongAdder();
    private final LongAdder directoryForces = new LongAdder();
    private final LongAdder appendedBytes = new LongAdder();
    private final LongAdder appendCalls = new LongAdder();

    /** The counters at one moment. */
    record Counts(long forces, long journalForces, long forceNanos, long directoryForces, long appendedBytes,
            long appendCalls) {
        Counts minus(Counts before) {
            return new Counts(forces - before.forces, journalForces - before.journalForces,
                    forceNanos - before.forceNanos,
                    directoryForces - before.directoryForces, appendedBytes - before.appendedBytes,
                    appendCalls - before.appendCalls);
        }

        /** Every fsync: files and directories. */
        long allForces() {
            return forces + directoryForces;
        }
    }

    Counts snapshot() {
        return new Counts(forces.sum(), journalForces.sum(), forceNanos.sum(), directoryForces.sum(),
                appendedBytes.sum(), appendCalls.sum());
    }

    @Override
    public LogFile open(Path path) throws IOException {
        return new Counted(real.open(path), path.getFileName().toString().endsWith(".journal"));
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        long t0 = System.nanoTime();
        real.forceDirectory(dir);
        forceNanos.add(System.nanoTime() - t0);
        directoryForces.increment();
    }

    /** One file, counted: appends and forces; everything else goes straight through. */
    private final class Counted extends ForwardingLogFile {
        private final boolean journal;

        Counted(LogFile file, boolean journal) {
            super(file);
            this.journal = journal;
        }

        @Override
        public void append(ByteBuffer... srcs) throws IOException {
            long n = 0;
            for (ByteBuffer b : srcs) {
                n += b.remaining();
            }
            super.append(srcs);
            appendedBytes.add(n);
            appendCalls.increment();
        }

        @Override
        public void force() throws IOException {
            long t0 = System.nanoTime();
            super.force();
            forceNanos.add(System.nanoTime() - t0);
            forces.increment();
            if (journal) {
                journalForces.increment();
            }
        }
    }
}

package dev.faucet.log;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link FileSeam} that counts the fsyncs ({@link LogFile#force()}) of every file it opens. Thread-safe. */
final class CountingFileSeam implements FileSeam {
    private final FileSeam delegate;
    private final AtomicLong forces = new AtomicLong();

    CountingFileSeam(FileSeam delegate) {
        this.delegate = delegate;
    }

    long forces() {
        return forces.get();
    }

    @Override
    public LogFile open(Path path) throws IOException {
        return new ForwardingLogFile(delegate.open(path)) {
            @Override
            public void force() throws IOException {
                forces.incrementAndGet();
                super.force();
            }
        };
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        delegate.forceDirectory(dir);
    }
}

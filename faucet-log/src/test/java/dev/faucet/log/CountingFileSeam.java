package dev.faucet.log;

import java.io.IOException;
import java.nio.ByteBuffer;
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
        LogFile file = delegate.open(path);
        return new LogFile() {
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
                file.append(srcs);
            }

            @Override
            public void force() throws IOException {
                forces.incrementAndGet();
                file.force();
            }

            @Override
            public void truncate(long size) throws IOException {
                file.truncate(size);
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        delegate.forceDirectory(dir);
    }
}

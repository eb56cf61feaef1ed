package dev.faucet.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A {@link LogFile} that hands every call to another one: extend it to change one behaviour (count fsyncs, slow
 * reads down) in a {@link FileSeam} of a test or a benchmark. Thread-safe as far as the wrapped file is.
 */
public class ForwardingLogFile implements LogFile {
    private final LogFile delegate;

    public ForwardingLogFile(LogFile delegate) {
        this.delegate = delegate;
    }

    @Override
    public Path path() {
        return delegate.path();
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public void append(ByteBuffer... srcs) throws IOException {
        delegate.append(srcs);
    }

    @Override
    public void force() throws IOException {
        delegate.force();
    }

    @Override
    public void truncate(long size) throws IOException {
        delegate.truncate(size);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}

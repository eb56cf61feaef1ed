package dev.faucet.log.file;

import dev.faucet.log.LogFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A {@link LogFile} over a {@link FileChannel}. The writer thread appends at the end; readers use positional reads,
 * which do not move the channel's position and do not block appends.
 *
 * <p>Reads go through a second, read-only channel. A {@code FileChannel} closes itself when a thread blocked in it is
 * interrupted; readers run on callers' threads, which get interrupted, and that must not close the channel the writer
 * appends to. The read channel is reopened when an interrupt closed it: the interrupted read fails, others retry.
 */
final class ChannelLogFile implements LogFile {
    private final Path path;
    private final FileChannel channel;
    private volatile FileChannel reader;
    private volatile boolean closed;

    ChannelLogFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.reader = FileChannel.open(path, StandardOpenOption.READ);
        channel.position(channel.size());
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        int start = dst.position();
        while (true) {
            FileChannel ch = reader;
            try {
                while (dst.hasRemaining()) {
                    if (ch.read(dst, position + dst.position() - start) < 0) {
                        break;
                    }
                }
                return dst.position() - start;
            } catch (ClosedByInterruptException e) {
                reopenReader(ch);
                throw e;
            } catch (ClosedChannelException e) {
                if (closed) {
                    throw e;
                }
                reopenReader(ch);
            }
        }
    }

    /** Replaces the read channel an interrupt closed, unless another reader already did or the file is closed. */
    private synchronized void reopenReader(FileChannel broken) throws IOException {
        if (!closed && reader == broken) {
            reader = FileChannel.open(path, StandardOpenOption.READ);
        }
    }

    @Override
    public void append(ByteBuffer... srcs) throws IOException {
        long remaining = 0;
        for (ByteBuffer b : srcs) {
            remaining += b.remaining();
        }
        while (remaining > 0) {
            remaining -= channel.write(srcs);
        }
    }

    @Override
    public void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void truncate(long size) throws IOException {
        channel.truncate(size);
        channel.position(size);
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        try {
            reader.close();
        } finally {
            channel.close();
        }
    }
}

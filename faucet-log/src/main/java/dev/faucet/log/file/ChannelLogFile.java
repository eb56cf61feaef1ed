package dev.faucet.log.file;

import dev.faucet.log.LogFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A {@link LogFile} over a {@link FileChannel}. The writer thread appends at the end; readers use positional reads,
 * which do not move the channel's position and do not block appends.
 */
final class ChannelLogFile implements LogFile {
    private final Path path;
    private final FileChannel channel;

    ChannelLogFile(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
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
        int total = 0;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
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
    public void close() throws IOException {
        channel.close();
    }
}

package dev.faucet.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Real files whose fsyncs do nothing. Only for simulations that put a {@link FaultyFileSeam} on top: that seam
 * decides what a crash keeps, so syncing the real disk would only slow the simulation down.
 */
final class NoSyncFileSeam implements FileSeam {
    @Override
    public LogFile open(Path path) throws IOException {
        LogFile file = FileSeam.real().open(path);
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
            public void force() {
                // the FaultyFileSeam above records what this force made durable
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
    public void forceDirectory(Path dir) {
        // directory entries are not part of the simulated crash
    }
}

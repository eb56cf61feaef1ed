package dev.faucet.log;

import dev.faucet.log.file.RealFileSeam;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one place where the log opens and syncs files, so that tests can put faults there ({@link FaultyFileSeam}):
 * failing fsyncs, writes torn at a given byte, a full disk, unflushed data lost in a crash. Production uses
 * {@link #real()}. Implementations are thread-safe.
 */
public interface FileSeam {
    /** Opens a file for reading and appending, creating it when missing. */
    LogFile open(Path path) throws IOException;

    /** Makes the directory's entries (created, renamed, deleted files) durable. */
    void forceDirectory(Path dir) throws IOException;

    /** Files on the real disk, through {@link java.nio.channels.FileChannel}. */
    static FileSeam real() {
        return RealFileSeam.INSTANCE;
    }
}

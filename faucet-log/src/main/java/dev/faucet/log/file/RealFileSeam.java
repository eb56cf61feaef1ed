package dev.faucet.log.file;

import dev.faucet.log.FileSeam;
import dev.faucet.log.LogFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Files on the real disk. Stateless. */
public final class RealFileSeam implements FileSeam {
    public static final RealFileSeam INSTANCE = new RealFileSeam();

    private RealFileSeam() {
    }

    @Override
    public LogFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        return new ChannelLogFile(path, ch);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}

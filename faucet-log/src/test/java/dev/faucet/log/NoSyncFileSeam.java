package dev.faucet.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Real files whose fsyncs do nothing. Only for simulations that put a {@link FaultyFileSeam} on top: that seam
 * decides what a crash keeps, so syncing the real disk would only slow the simulation down.
 */
final class NoSyncFileSeam implements FileSeam {
    @Override
    public LogFile open(Path path) throws IOException {
        return new ForwardingLogFile(FileSeam.real().open(path)) {
            @Override
            public void force() {
                // the FaultyFileSeam above records what this force made durable
            }
        };
    }

    @Override
    public void forceDirectory(Path dir) {
        // directory entries are not part of the simulated crash
    }
}

package dev.faucet.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Skeleton: replaced by the durable log. */
public final class Log implements AutoCloseable {
    private volatile LogState state = LogState.OPEN;

    private Log() {
    }

    public static Log open(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new Log();
    }

    public LogState state() {
        return state;
    }

    @Override
    public void close() {
        state = LogState.CLOSED;
    }
}

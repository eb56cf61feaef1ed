package dev.faucet.log.commit;

import java.io.IOException;

/** Work that changes the log's structure (topics, segments) and so runs on the writer thread, between commits. */
@FunctionalInterface
public interface WriterTask<T> {
    T run(long nowMs) throws IOException;
}

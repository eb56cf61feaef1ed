package dev.faucet.log.segment;

import dev.faucet.log.LogRecord;

/** Collects records for one read, and says when it has enough. Used by one reading thread. */
public interface ReadSink {
    boolean wantsMore();

    void accept(LogRecord record);
}

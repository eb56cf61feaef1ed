package dev.faucet.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One open file of the log, as the {@link FileSeam} hands it out. Appends go to the end of the file; reads are
 * positional and may run on any thread concurrently with appends (they never block the writer). Only the log's writer
 * thread appends, forces and truncates.
 */
public interface LogFile extends AutoCloseable {
    Path path();

    /** The bytes in the file, durable or not. */
    long size() throws IOException;

    /** Reads up to {@code dst.remaining()} bytes at {@code position}; fewer only at the end of the file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes every remaining byte of {@code srcs} at the end of the file. Not durable until {@link #force()}. */
    void append(ByteBuffer... srcs) throws IOException;

    /** Makes every appended byte durable (fsync). Any failure is fatal for the log: it never retries and trusts. */
    void force() throws IOException;

    /** Cuts the file to {@code size} bytes. */
    void truncate(long size) throws IOException;

    @Override
    void close() throws IOException;
}

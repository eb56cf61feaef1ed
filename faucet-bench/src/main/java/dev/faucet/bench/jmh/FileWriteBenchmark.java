package dev.faucet.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The baseline of {@link LogAppendBenchmark}: a plain {@link FileChannel} append of the bytes one 200-byte record
 * takes in the log (a 56-byte batch header, a 28-byte record header and the value), with no force and with one
 * {@code force(false)} after each write.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FileWriteBenchmark {
    /** Bytes of one 200-byte record as a batch of its own in the log. */
    static final int BATCH_BYTES = 56 + 28 + 200;

    @Param({"false", "true"})
    public boolean force;

    private Path dir;
    private FileChannel channel;
    private final ByteBuffer bytes = ByteBuffer.allocate(BATCH_BYTES);

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "faucet-jmh-");
        channel = FileChannel.open(dir.resolve("file.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        byte[] b = new byte[BATCH_BYTES];
        new Random(1).nextBytes(b);
        bytes.put(b);
    }

    @Benchmark
    public int write() throws IOException {
        bytes.clear();
        int n = channel.write(bytes);
        if (force) {
            channel.force(false);
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        channel.close();
        LogAppendBenchmark.deleteTree(dir);
    }
}

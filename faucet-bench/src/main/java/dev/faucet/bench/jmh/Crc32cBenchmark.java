package dev.faucet.bench.jmh;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CRC-32C ({@link CRC32C}, the log's checksum) of a 64 KiB buffer, and of the 228 bytes of one 200-byte record: the
 * CPU floor of checksumming that every append and every read pays once per byte.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Crc32cBenchmark {
    @Param({"65536", "228"})
    public int size;

    private byte[] data;
    private final CRC32C crc = new CRC32C();

    @Setup
    public void fill() {
        data = new byte[size];
        new Random(1).nextBytes(data);
    }

    @Benchmark
    public long crc32c() {
        crc.reset();
        crc.update(data, 0, data.length);
        return crc.getValue();
    }
}

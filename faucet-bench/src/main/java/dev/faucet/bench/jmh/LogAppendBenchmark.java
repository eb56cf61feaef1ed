package dev.faucet.bench.jmh;

import dev.faucet.log.FsyncPolicy;
import dev.faucet.log.Log;
import dev.faucet.log.NewRecord;
import dev.faucet.log.RecordPosition;
import dev.faucet.log.TopicConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * One thread appends one 200-byte record and waits for its acknowledgement: the whole path of a single append
 * (encode, queue, writer, journal, ack thread), with {@code fsync: never} (the CPU and hand-off cost) and
 * {@code always} (plus two fsyncs: segment and journal). Compare with {@link FileWriteBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LogAppendBenchmark {
    @Param({"NEVER", "ALWAYS"})
    public FsyncPolicy fsync;

    private Path dir;
    private Log log;
    private NewRecord record;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "faucet-jmh-");
        log = Log.open(dir);
        log.createTopic(TopicConfig.of("bench", 1).withFsync(fsync));
        byte[] value = new byte[200];
        new Random(1).nextBytes(value);
        record = NewRecord.of(value);
    }

    @Benchmark
    public RecordPosition append() {
        return log.append("bench", record).join();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        log.close();
        deleteTree(dir);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

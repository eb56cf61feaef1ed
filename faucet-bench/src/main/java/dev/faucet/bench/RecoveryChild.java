package dev.faucet.bench;

import dev.faucet.log.Log;
import dev.faucet.log.TopicConfig;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * The JVM that {@link RecoveryBench} kills: fills a log with batch appends to 8 partitions until it has written
 * {@code bytes}, prints {@code READY}, and keeps appending until it is killed with SIGKILL. So that it can never fill
 * the disk on its own, it stops appending at twice {@code bytes} and exits when its parent does.
 *
 * <p>Arguments: data directory, bytes to write, value bytes per record.
 */
public final class RecoveryChild {
    static final String READY = "READY";
    private static final int THREADS = 4;
    private static final int BATCH = 1000;

    private RecoveryChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long bytes = Long.parseLong(args[1]);
        int valueBytes = Integer.parseInt(args[2]);
        CountingFileSeam seam = new CountingFileSeam();
        Log log = Log.open(dir, cfg -> cfg.withFileSeam(seam));
        log.createTopic(TopicConfig.of(AppendBench.TOPIC, 8));
        LongAdder[] ackedFailed = {new LongAdder(), new LongAdder()};
        Recorder latency = new Recorder(3);
        AtomicBoolean running = new AtomicBoolean(true);
        for (int i = 0; i < THREADS; i++) {
            Appender a = new Appender(log, AppendBench.TOPIC, Appender.records(BATCH, valueBytes, i), 4, latency,
                    ackedFailed, running);
            new Thread(a, "appender-" + i).start();
        }
        ProcessHandle.current().parent().ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        long start = System.nanoTime();
        while (seam.snapshot().appendedBytes() < bytes) {
            if (ackedFailed[1].sum() > 0) {
                System.out.println("FAILED appends failed");
                System.exit(2);
            }
            Thread.sleep(20);
        }
        System.out.printf("%s %d bytes, %d records acknowledged in %.1f s%n", READY, seam.snapshot().appendedBytes(),
                ackedFailed[0].sum(), (System.nanoTime() - start) / 1e9);
        System.out.flush();
        while (seam.snapshot().appendedBytes() < 2 * bytes) {
            Thread.sleep(20);
        }
        running.set(false);
        Thread.sleep(Long.MAX_VALUE);
    }
}

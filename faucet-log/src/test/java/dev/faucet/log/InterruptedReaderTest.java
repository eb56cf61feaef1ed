package dev.faucet.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads run on the caller's thread, and callers get interrupted (a cancelled request, an executor shut down). A
 * {@link java.nio.channels.FileChannel} closes itself when a thread blocked in it is interrupted; that must cost the
 * interrupted read at most, never the files the writer appends to or other readers.
 */
class InterruptedReaderTest {
    private static final TopicConfig SMALL_SEGMENTS = TopicConfig.of("t", 1).withSegments(4096, Duration.ofDays(7));

    @TempDir
    Path dir;

    private static void append(Log log, int from, int to) {
        List<CompletableFuture<RecordPosition>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            futures.add(log.append("t", NewRecord.of(null, "value-" + i)));
        }
        futures.forEach(CompletableFuture::join);
    }

    private static void assertHolds(Log log, int count) {
        List<LogRecord> records = LogFiles.readAll(log, "t", 0);
        assertThat(records).extracting(LogRecord::offset)
                .containsExactlyElementsOf(LongStream.range(0, count).boxed().toList());
        assertThat(records.get(count - 1).valueAsString()).isEqualTo("value-" + (count - 1));
    }

    @Test
    void shouldKeepAppendingAndServingReadsAfterAReadOnAnInterruptedThread() throws Exception {
        try (Log log = Log.open(dir)) {
            log.createTopic(SMALL_SEGMENTS);
            append(log, 0, 100);
            Thread.currentThread().interrupt();
            try {
                log.read("t", 0, 0, 1000);
            } catch (LogException e) {
                assertThat(e.kind()).isEqualTo(LogException.Kind.CLOSED);
            } finally {
                Thread.interrupted();
            }

            append(log, 100, 200);
            assertThat(log.state()).isEqualTo(LogState.OPEN);
            assertHolds(log, 200);
        }
        try (Log log = Log.open(dir)) {
            assertHolds(log, 200);
        }
    }

    @Test
    void shouldNotLetInterruptsOfReadingThreadsFailAppendsOrOtherReads() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (Log log = Log.open(dir)) {
            log.createTopic(SMALL_SEGMENTS);
            append(log, 0, 50);
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(Thread.ofPlatform().name("reader-" + r).start(() -> readUntil(log, stop, errors)));
            }
            Thread interrupter = Thread.ofPlatform().name("interrupter").start(() -> {
                while (!stop.get()) {
                    readers.get(0).interrupt();
                    LockSupport.parkNanos(200_000);
                }
            });
            for (int i = 50; i < 1000; i += 50) {
                append(log, i, i + 50);
            }
            stop.set(true);
            interrupter.join(TimeUnit.SECONDS.toMillis(10));
            for (Thread t : readers) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertThat(errors).isEmpty();
            assertThat(log.state()).isEqualTo(LogState.OPEN);
            assertHolds(log, 1000);
        }
    }

    /** Reads the partition over and over; only the interrupted reader may see its reads fail. */
    private static void readUntil(Log log, AtomicBoolean stop, Queue<Throwable> errors) {
        boolean interruptible = Thread.currentThread().getName().equals("reader-0");
        while (!stop.get()) {
            try {
                List<LogRecord> records = log.read("t", 0, 0, 2000);
                for (int i = 0; i < records.size(); i++) {
                    if (records.get(i).offset() != i) {
                        errors.add(new AssertionError("offset " + records.get(i).offset() + " at index " + i));
                        return;
                    }
                }
            } catch (LogException e) {
                if (!interruptible) {
                    errors.add(e);
                    return;
                }
            } finally {
                if (interruptible) {
                    Thread.interrupted();
                }
            }
        }
    }
}

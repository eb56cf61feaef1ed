package dev.faucet.log;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link CrashIT}: opens the log in {@code args[0]}, creates topics {@code a} (4 partitions) and
 * {@code b} (2) when missing, prints {@code READY}, then appends from 4 threads until it is killed: single appends,
 * batch appends and atomic commits to both topics with a consumer-group offset, up to 8 in flight per thread.
 *
 * <p>Every record value is unique ({@code c<cycle>-w<thread>-<seq>-<i>}) and carries headers naming its commit
 * ({@code c}), the number of records in that commit ({@code n}) and, for commits with a group offset, the offset
 * ({@code o}). Once a future completes, one line per acknowledged record goes to stdout, flushed:
 * {@code ACK topic partition offset value $}, and for a group offset {@code ACKG group offset $}. The trailing
 * {@code $} tells a whole line from one cut by the kill.
 */
public final class CrashAppender {
    static final int THREADS = 4;
    static final long OFFSETS_PER_CYCLE = 1_000_000;
    private static final long MAX_RUN_MS = 60_000;

    private final Log log;
    private final long cycle;
    private final PrintStream out;

    private CrashAppender(Log log, long cycle, PrintStream out) {
        this.log = log;
        this.cycle = cycle;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        long cycle = Long.parseLong(args[1]);
        try (Log log = Log.open(Path.of(args[0]))) {
            createIfMissing(log, "a", 4);
            createIfMissing(log, "b", 2);
            System.out.println("READY");
            System.out.flush();
            CrashAppender appender = new CrashAppender(log, cycle, System.out);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(Thread.ofPlatform().name("appender-" + t).start(() -> appender.appendLoop(thread)));
            }
            for (Thread t : threads) {
                t.join();
            }
        }
        System.err.println("the appenders ran out of time without being killed");
        System.exit(3);
    }

    private static void createIfMissing(Log log, String topic, int partitions) {
        if (log.topic(topic).isEmpty()) {
            log.createTopic(TopicConfig.of(topic, partitions));
        }
    }

    private void appendLoop(int thread) {
        Random random = new Random(cycle * 31 + thread);
        Semaphore window = new Semaphore(8);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_RUN_MS);
        for (long seq = 0; seq < 10_000_000 && System.nanoTime() < deadline; seq++) {
            try {
                if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
                    System.err.println("appender " + thread + ": no acknowledgement for 10 s");
                    return;
                }
                String commit = "c" + cycle + "-w" + thread + "-" + seq;
                switch (random.nextInt(3)) {
                    case 0 -> single(commit, random, window);
                    case 1 -> batch(commit, random, window);
                    default -> atomic(commit, thread, seq, random, window);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                e.printStackTrace();
                return;
            }
        }
    }

    private void single(String commit, Random random, Semaphore window) {
        String topic = random.nextBoolean() ? "a" : "b";
        NewRecord r = record(commit, 0, 1, random, null);
        acknowledge(log.append(topic, r).thenApply(p -> List.of(p)), List.of(topic), List.of(r), null, window);
    }

    private void batch(String commit, Random random, Semaphore window) {
        int n = 2 + random.nextInt(4);
        List<NewRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(record(commit, i, n, random, null));
        }
        acknowledge(log.append("a", records), List.of("a"), records, null, window);
    }

    private void atomic(String commit, int thread, long seq, Random random, Semaphore window) {
        int inA = 1 + random.nextInt(3);
        int n = inA + 1 + random.nextInt(2);
        long offset = cycle * OFFSETS_PER_CYCLE + seq;
        List<NewRecord> records = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(record(commit, i, n, random, offset));
            topics.add(i < inA ? "a" : "b");
        }
        String group = "g-w" + thread;
        Commit c = Commit.builder().append("a", records.subList(0, inA)).append("b", records.subList(inA, n))
                .offset(group, "a", 0, offset).build();
        CompletableFuture<List<RecordPosition>> f = log.commit(c)
                .thenApply(r -> r.positions().stream().flatMap(List::stream).toList());
        acknowledge(f, topics, records, "ACKG " + group + " " + offset + " $", window);
    }

    private static NewRecord record(String commit, int i, int n, Random random, Long groupOffset) {
        List<Header> headers = new ArrayList<>(List.of(Header.of("c", commit), Header.of("n", Integer.toString(n))));
        if (groupOffset != null) {
            headers.add(Header.of("o", Long.toString(groupOffset)));
        }
        String key = random.nextInt(4) == 0 ? null : "k" + random.nextInt(100);
        return NewRecord.of(key, commit + "-" + i).withHeaders(headers);
    }

    private void acknowledge(CompletableFuture<List<RecordPosition>> f, List<String> topics, List<NewRecord> records,
            String groupLine, Semaphore window) {
        f.whenComplete((positions, error) -> {
            try {
                if (error != null) {
                    System.err.println("append failed: " + error);
                    return;
                }
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < records.size(); i++) {
                    String topic = topics.size() == 1 ? topics.get(0) : topics.get(i);
                    lines.append("ACK ").append(topic).append(' ').append(positions.get(i).partition()).append(' ')
                            .append(positions.get(i).offset()).append(' ')
                            .append(new String(records.get(i).value(), StandardCharsets.UTF_8))
                            .append(" $\n");
                }
                if (groupLine != null) {
                    lines.append(groupLine).append('\n');
                }
                synchronized (out) {
                    out.print(lines);
                    out.flush();
                }
            } finally {
                window.release();
            }
        });
    }
}

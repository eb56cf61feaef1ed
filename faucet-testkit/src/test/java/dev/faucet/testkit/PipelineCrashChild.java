package dev.faucet.testkit;

import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.PartitionInfo;
import dev.faucet.log.TopicConfig;
import dev.faucet.log.TopicInfo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link PipelineCrashIT}: {@code PipelineCrashChild DIR RUN publish|drain MAX_BATCH}. Opens the
 * embedded runtime on {@code DIR} (recovering the log and restarting the deployed pipeline from its committed
 * positions), creates the topics when missing, deploys {@link CrashInputs#pipeline} (the same definition every time,
 * so the version is unchanged and nothing restarts; a different version deployed before fails the child), and prints
 * {@code READY <next seq>}.
 *
 * <p>{@code publish}: publishes the input records of {@link CrashInputs} from the next sequence number on (the highest
 * in the input topic plus one), in batches of 1 to {@code MAX_BATCH}, one batch at a time so that the records of a
 * pair stay in order, and prints {@code ACK <first>-<last> $} once a batch's future completed (it is durable); every
 * 200 ms it prints {@code STATUS lag=… in=… out=… dead=… $}. It runs until it is killed (after 60 s it gives up, exit
 * 3).
 *
 * <p>{@code drain}: publishes nothing, waits until the pipeline has no lag and its outputs stopped growing, prints
 * {@code DONE …}, closes the runtime (in-flight commits finish) and exits 0; a failed pipeline exits 2.
 *
 * <p>The trailing {@code $} tells a whole line from one cut by the kill.
 */
public final class PipelineCrashChild {
    private static final long MAX_RUN_MS = 60_000;
    private static final long DRAIN_TIMEOUT_MS = 120_000;

    private final EmbeddedRuntime runtime;
    private final Pipeline pipeline;
    private final PrintStream out = System.out;

    private PipelineCrashChild(EmbeddedRuntime runtime, Pipeline pipeline) {
        this.runtime = runtime;
        this.pipeline = pipeline;
    }

    public static void main(String[] args) throws Exception {
        CrashInputs.Run run = CrashInputs.Run.of(args[1]);
        int exit;
        try (EmbeddedRuntime runtime = EmbeddedRuntime.open(Path.of(args[0]))) {
            PipelineCrashChild child = new PipelineCrashChild(runtime, CrashInputs.pipeline(run));
            child.prepare();
            long next = child.nextSeq();
            child.println("READY " + next);
            exit = args[2].equals("drain") ? child.drain() : child.publish(next, Integer.parseInt(args[3]));
        }
        System.exit(exit);
    }

    private void prepare() {
        createIfMissing(CrashInputs.INPUT, CrashInputs.INPUT_PARTITIONS);
        createIfMissing(CrashInputs.GOLD, CrashInputs.GOLD_PARTITIONS);
        createIfMissing(CrashInputs.REST, 1);
        String before = runtime.pipeline(pipeline.name()).map(PipelineStatus::version).orElse(null);
        if (before != null && !before.equals(pipeline.version())) {
            throw new IllegalStateException("the deployed version is " + before + ", not " + pipeline.version()
                    + ": a restart would redeploy instead of resuming");
        }
        runtime.deploy(pipeline);
    }

    private void createIfMissing(String topic, int partitions) {
        if (runtime.topic(topic).isEmpty()) {
            runtime.createTopic(TopicConfig.of(topic, partitions));
        }
    }

    /** One more than the highest sequence number in the input (batches are published one after the other). */
    private long nextSeq() {
        long next = 0;
        for (PartitionInfo p : runtime.topic(CrashInputs.INPUT).orElseThrow().partitions()) {
            if (p.endOffset() > p.startOffset()) {
                LogRecord last = runtime.read(CrashInputs.INPUT, p.partition(), p.endOffset() - 1, 1).get(0);
                next = Math.max(next, seqOf(last) + 1);
            }
        }
        return next;
    }

    static long seqOf(LogRecord r) {
        for (Header h : r.headers()) {
            if (h.name().equals(CrashInputs.SEQ_HEADER)) {
                return Long.parseLong(h.valueAsString());
            }
        }
        throw new IllegalStateException("no seq header in " + r);
    }

    private int publish(long first, int maxBatch) throws Exception {
        SplittableRandom random = new SplittableRandom(first);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_RUN_MS);
        long nextStatus = 0;
        long seq = first;
        while (System.nanoTime() < deadline) {
            int n = 1 + random.nextInt(maxBatch);
            List<NewRecord> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(CrashInputs.record(seq + i));
            }
            runtime.publish(new Publish(CrashInputs.INPUT, batch, null, null)).get(30, TimeUnit.SECONDS);
            println("ACK " + seq + "-" + (seq + n - 1) + " $");
            seq += n;
            if (System.nanoTime() >= nextStatus) {
                println(status(runtime.pipeline(pipeline.name()).orElseThrow()) + " $");
                nextStatus = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            }
            Thread.sleep(random.nextInt(3));
        }
        System.err.println("published for " + MAX_RUN_MS + " ms without being killed");
        return 3;
    }

    private int drain() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
        Map<String, Long> lastEnds = Map.of();
        int stable = 0;
        while (System.nanoTime() < deadline) {
            PipelineStatus s = runtime.pipeline(pipeline.name()).orElseThrow();
            if (s.state() != PipelineStatus.State.RUNNING) {
                System.err.println("the pipeline is " + s.state() + ": " + s.failure());
                return 2;
            }
            Map<String, Long> ends = ends();
            stable = s.ready() && s.lagRecords() == 0 && ends.equals(lastEnds) ? stable + 1 : 0;
            if (stable >= 5) {
                println("DONE " + status(s) + " $");
                return 0;
            }
            lastEnds = ends;
            Thread.sleep(50);
        }
        System.err.println("not drained after " + DRAIN_TIMEOUT_MS + " ms: " + runtime.pipeline(pipeline.name()));
        return 4;
    }

    /** The end offsets of every partition the pipeline writes, dead letters included. */
    private Map<String, Long> ends() {
        Map<String, Long> ends = new TreeMap<>();
        List<String> topics = new ArrayList<>(pipeline.outputTopics());
        topics.add(pipeline.deadLetterTopic());
        for (String t : topics) {
            TopicInfo info = runtime.topic(t).orElseThrow();
            for (PartitionInfo p : info.partitions()) {
                ends.put(t + "-" + p.partition(), p.endOffset());
            }
        }
        return ends;
    }

    private static String status(PipelineStatus s) {
        return "STATUS lag=" + s.lagRecords() + " in=" + s.recordsIn() + " out=" + s.recordsOut() + " dead="
                + s.deadLettered();
    }

    private void println(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}

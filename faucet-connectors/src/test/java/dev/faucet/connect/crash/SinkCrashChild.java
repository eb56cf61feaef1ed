package dev.faucet.connect.crash;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.ErrorPolicy;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Pipeline;
import dev.faucet.engine.PipelineStatus;
import dev.faucet.engine.Publish;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link SinkCrashIT}: {@code SinkCrashChild DIR PG_URL HOOK_URL publish|drain}. Opens the
 * embedded runtime on DIR, deploys a pipeline {@code orders → postgres sink, webhook sink} (exactly-once), prints
 * {@code READY <next seq>}; {@code publish} publishes records {@code {"id":"o-<seq>","n":<seq>}} in batches of 1 to
 * 20 and prints {@code ACK <first>-<last> $} once each is durable, until it is killed; {@code drain} waits until both
 * sinks have delivered everything, prints {@code DONE $} and exits 0.
 */
public final class SinkCrashChild {
    static final String INPUT = "orders";
    static final String NAME = "to-billing";

    private SinkCrashChild() {
    }

    static Pipeline pipeline(String pgUrl, String hookUrl) {
        ObjectNode pg = JsonNodeFactory.instance.objectNode().put("url", pgUrl).put("user", "postgres")
                .put("table", "orders").put("mode", "insert").put("batch", 50);
        ObjectNode hook = JsonNodeFactory.instance.objectNode().put("url", hookUrl).put("timeout", 2000)
                .put("concurrency", 4);
        return Pipeline.from(INPUT).guarantee(Guarantee.EXACTLY_ONCE)
                .errors(new ErrorPolicy(5, Duration.ofMillis(20), Duration.ofMillis(500), null,
                        ErrorPolicy.OnFailure.DEAD_LETTER))
                .sink("postgres", pg).sink("webhook", hook).build(NAME);
    }

    public static void main(String[] args) throws Exception {
        int exit;
        try (EmbeddedRuntime rt = EmbeddedRuntime.open(Path.of(args[0]))) {
            if (rt.topic(INPUT).isEmpty()) {
                rt.createTopic(TopicConfig.of(INPUT, 2));
            }
            rt.deploy(pipeline(args[1], args[2]));
            long next = nextSeq(rt);
            System.out.println("READY " + next);
            exit = args[3].equals("drain") ? drain(rt) : publish(rt, next);
        }
        System.exit(exit);
    }

    private static long nextSeq(EmbeddedRuntime rt) {
        long max = -1;
        for (int p = 0; p < 2; p++) {
            long offset = 0;
            while (true) {
                List<LogRecord> batch = rt.read(INPUT, p, offset, 1000);
                if (batch.isEmpty()) {
                    break;
                }
                for (LogRecord r : batch) {
                    String v = r.valueAsString();
                    max = Math.max(max, Long.parseLong(v.substring(v.indexOf("\"n\":") + 4, v.length() - 1)));
                    offset = r.offset() + 1;
                }
            }
        }
        return max + 1;
    }

    private static int publish(EmbeddedRuntime rt, long next) {
        SplittableRandom random = new SplittableRandom(next);
        long seq = next;
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            int n = 1 + random.nextInt(20);
            List<NewRecord> records = new ArrayList<>();
            String key = "c-" + random.nextInt(50);
            for (int i = 0; i < n; i++) {
                records.add(new NewRecord(key.getBytes(StandardCharsets.UTF_8), ("{\"id\":\"o-" + (seq + i)
                        + "\",\"n\":" + (seq + i) + "}").getBytes(StandardCharsets.UTF_8), List.<Header>of(),
                        NewRecord.NO_TIMESTAMP, NewRecord.ANY_PARTITION));
            }
            rt.publish(new Publish(INPUT, records, null, null)).join();
            System.out.println("ACK " + seq + "-" + (seq + n - 1) + " $");
            seq += n;
        }
        return 3;
    }

    private static int drain(EmbeddedRuntime rt) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        int quiet = 0;
        while (System.currentTimeMillis() < deadline) {
            PipelineStatus s = rt.pipeline(NAME).orElseThrow();
            boolean done = s.lagRecords() == 0 && s.sinks().stream().allMatch(k -> k.partitions().size() == 2
                    && k.partitions().stream().allMatch(p -> p.queued() == 0 && p.position() >= 0));
            quiet = done ? quiet + 1 : 0;
            if (quiet >= 10) {
                System.out.println("DONE " + s.sinks() + " $");
                return 0;
            }
            Thread.sleep(50);
        }
        System.out.println("TIMEOUT " + rt.pipeline(NAME).orElseThrow() + " $");
        return 2;
    }
}

package dev.faucet.server;

import dev.faucet.log.RecordPosition;
import dev.faucet.server.CrashPublisher.Result;
import dev.faucet.server.TopicDump.Stored;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Checks what the publishers were answered against what the topic holds (see {@link ServerCrashIT}): made with the
 * results, then given the stored records one at a time in offset order ({@link #accept}), then {@link #finish}ed.
 * Collects every failure by kind (5 examples of each are kept) instead of stopping at the first, and counts what it
 * saw. Keeps a
 * digest per record sent and a position per record read, not the values.
 */
final class CrashCheck implements Consumer<Stored> {
    private static final int EXAMPLES = 5;

    private final List<Result> results;
    private final Map<String, List<String>> failures = new TreeMap<>();
    private final Map<String, Integer> failureCounts = new TreeMap<>();
    private int failureCount;
    private final Map<String, Sent> sent = new HashMap<>();
    private final Map<String, At> storedById = new HashMap<>();
    private final Map<Integer, Long> nextOffset = new TreeMap<>();
    private int acked;
    private int ackedRecords;
    private int unanswered;
    private int unansweredPresent;
    private int replayed;
    private int retried;
    private long ackedBytes;
    private int stored;

    /** A record that was sent: its batch's result and its index in the batch. */
    private record Sent(Result result, int index) {
        String digest() {
            return result.batch().digests().get(index);
        }
    }

    /** Where a record was read. */
    private record At(int partition, long offset, long timestampMs) {
        @Override
        public String toString() {
            return "partition " + partition + " offset " + offset;
        }
    }

    CrashCheck(List<Result> results) {
        this.results = results;
        index();
    }

    /** Checks the stored records once all were {@linkplain #accept accepted}. */
    CrashCheck finish() {
        for (Result r : results) {
            checkBatch(r);
        }
        return this;
    }

    private void index() {
        for (Result r : results) {
            if (r.unexpected() != null) {
                fail("unexpected answer", "batch " + r.batch().idempotencyKey() + " got " + r.unexpected());
            }
            for (int i = 0; i < r.batch().ids().size(); i++) {
                Sent before = sent.put(r.batch().ids().get(i), new Sent(r, i));
                if (before != null) {
                    throw new IllegalStateException("the test sent id " + r.batch().ids().get(i) + " twice");
                }
            }
        }
    }

    /** Dense offsets; every value ours, whole, sent, byte-identical, with the right key; no id twice. */
    @Override
    public void accept(Stored s) {
        stored++;
        long expected = nextOffset.getOrDefault(s.partition(), 0L);
        if (s.offset() != expected) {
            fail("I5 offsets not dense", "partition " + s.partition() + " has offset " + s.offset() + " where "
                    + expected + " was expected (offsets are dense from 0)");
        }
        nextOffset.put(s.partition(), s.offset() + 1);
        CrashRecords.Parsed v = CrashRecords.parse(s.value());
        if (v.problem() != null) {
            fail("torn or invented", "record at " + s + " (" + v.problem() + "): " + abbreviate(s.value()));
            return;
        }
        Sent origin = sent.get(v.id());
        if (origin == null) {
            fail("invented", "record at " + s + ": id " + v.id() + " was never sent");
            return;
        }
        if (!origin.digest().equals(CrashRecords.digest(s.value()))) {
            fail("value changed", "record " + v.id() + " at " + s + " differs from what was sent: "
                    + abbreviate(s.value()));
        }
        At twice = storedById.put(v.id(), new At(s.partition(), s.offset(), s.timestampMs()));
        if (twice != null) {
            Result r = origin.result();
            fail("I2 duplicate", "record " + v.id() + " of batch " + r.batch().idempotencyKey() + " (answered: "
                    + r.acked() + ", attempts: " + r.attempts() + ") is at " + twice + " and at " + s);
        }
        String key = origin.result().batch().keyed() ? v.k() : null;
        if (!Objects.equals(key, s.key())) {
            fail("wrong key", "record " + v.id() + " at " + s + " has key " + s.key() + ", expected " + key);
        }
        String tag = s.headers().get("faucet-idempotency-key");
        if (tag != null && !tag.equals(origin.result().batch().idempotencyKey())) {
            fail("wrong tag", "record " + v.id() + " at " + s + " carries the idempotency key " + tag
                    + " of another batch");
        }
    }

    /** I1 for an answered batch; all or nothing, consecutive and in order for every batch. */
    private void checkBatch(Result r) {
        List<String> ids = r.batch().ids();
        int present = 0;
        for (String id : ids) {
            present += storedById.containsKey(id) ? 1 : 0;
        }
        if (r.acked()) {
            acked++;
            ackedRecords += ids.size();
            ackedBytes += r.batch().bytes();
            retried += r.attempts() > 1 ? 1 : 0;
            checkAnswered(r);
        } else {
            unanswered++;
            unansweredPresent += present > 0 ? 1 : 0;
        }
        if (present != 0 && present != ids.size()) {
            fail("I6 partial batch", "batch " + r.batch().idempotencyKey() + " (answered: " + r.acked() + ") has "
                    + present + " of its " + ids.size() + " records in the topic");
        }
        if (present == ids.size()) {
            checkConsecutive(r);
        }
    }

    private void checkAnswered(Result r) {
        List<String> ids = r.batch().ids();
        for (int i = 0; i < ids.size(); i++) {
            At s = storedById.get(ids.get(i));
            RecordPosition answered = r.positions().get(i);
            if (s == null) {
                fail("I1 lost", "acknowledged record " + ids.get(i) + " (answered " + answered + " after "
                        + r.attempts() + " attempts) is missing");
            } else if (s.partition() != answered.partition() || s.offset() != answered.offset()) {
                fail("I1 moved", "acknowledged record " + ids.get(i) + " was answered " + answered + " but is at "
                        + s);
            }
        }
        At first = storedById.get(ids.get(0));
        if (first != null && r.attempts() > 1 && first.timestampMs() < r.answeredAttemptMs()) {
            replayed++; // stamped before the attempt that got the 200 was sent: an earlier attempt committed it
        }
    }

    /** A request's records in one partition are one batch: consecutive offsets, in request order. */
    private void checkConsecutive(Result r) {
        Map<Integer, Long> last = new HashMap<>();
        for (String id : r.batch().ids()) {
            At s = storedById.get(id);
            Long before = last.put(s.partition(), s.offset());
            if (before != null && s.offset() != before + 1) {
                fail("batch not consecutive", "batch " + r.batch().idempotencyKey() + ": record " + id + " is at "
                        + s + ", not right after offset " + before + " like the batch's previous record there");
            }
        }
    }

    private void fail(String kind, String failure) {
        failureCount++;
        failureCounts.merge(kind, 1, Integer::sum);
        List<String> examples = failures.computeIfAbsent(kind, k -> new ArrayList<>());
        if (examples.size() < EXAMPLES) {
            examples.add(kind + ": " + failure);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /** Up to 5 examples of each kind of failure, and how many of each kind there were. */
    List<String> failures() {
        List<String> out = new ArrayList<>();
        failures.forEach((kind, examples) -> {
            out.addAll(examples);
            if (failureCounts.get(kind) > examples.size()) {
                out.add(kind + ": … " + (failureCounts.get(kind) - examples.size()) + " more");
            }
        });
        return out;
    }

    int acked() {
        return acked;
    }

    String summary() {
        return acked + " batches answered 200 (" + ackedRecords + " records, " + ackedBytes / 1024 + " KiB; " + retried
                + " after retries, " + replayed + " of those answered from an attempt committed before a kill), "
                + unanswered + " never answered (" + unansweredPresent + " of them committed anyway), " + stored
                + " records in the topic, " + failureCount + " failures" + (failureCounts.isEmpty() ? "" : " "
                + failureCounts);
    }
}

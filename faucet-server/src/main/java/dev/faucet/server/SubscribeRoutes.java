package dev.faucet.server;

import dev.faucet.engine.PipelineRuntime;
import dev.faucet.log.LogRecord;
import dev.faucet.log.TopicInfo;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /v1/topics/{t}/subscribe?group=G}: server-sent events, one per record: {@code id: P:O} and
 * {@code data:} the record object of reads. Delivery is at-least-once: the group's next offsets are committed after
 * the events are flushed to the client and a later write shows the connection still open, so a reconnect (or a server
 * restart) resumes after what was delivered, and events written to a client that had just gone away are sent again.
 *
 * <p>The connections of one group share the topic's partitions ({@link GroupMembers}); when one joins or leaves,
 * the partitions are dealt again and each connection continues from the group's committed offsets. A group new to
 * the topic starts at the end ({@code ?from=latest}, the default) or at the beginning ({@code ?from=earliest}).
 * Idle connections get a comment every {@value #HEARTBEAT_MS} ms, which also finds clients that went away. With
 * {@code ?max=N} the stream ends after N events, once they are confirmed (so a client that wants N records gets
 * exactly those committed, not whatever else was in flight).
 */
final class SubscribeRoutes {
    /** Idle streams get a comment this often: it finds a client that went away within about two of these. */
    private static final long HEARTBEAT_MS = 1_000;
    private static final long CONFIRM_MS = 200;
    /** Each subscription holds one of Jetty's threads (250 at most), so they are capped well below that. */
    static final int MAX_SUBSCRIPTIONS = 64;
    private static final long ROUND_MS = 50;
    private static final long IDLE_WAIT_MS = 200;
    private static final int BATCH = 500;

    private final PipelineRuntime runtime;
    private final Auth auth;
    private final TopicSignals signals;
    private final GroupMembers members = new GroupMembers();
    private final AtomicInteger active = new AtomicInteger();
    private final BooleanSupplier closing;

    SubscribeRoutes(PipelineRuntime runtime, Auth auth, TopicSignals signals, BooleanSupplier closing) {
        this.runtime = runtime;
        this.auth = auth;
        this.signals = signals;
        this.closing = closing;
    }


    /** HEAD: the answer a subscription would start with (its checks, status and headers), without the stream. */
    void check(Context ctx) {
        start(ctx);
    }

    void subscribe(Context ctx) throws IOException, InterruptedException {
        Subscription sub = start(ctx);
        if (active.incrementAndGet() > MAX_SUBSCRIPTIONS) {
            active.decrementAndGet();
            throw new ApiException(503, "too-many-subscriptions", "the server already serves " + MAX_SUBSCRIPTIONS
                    + " subscriptions, each holding a thread; retry later or read with GET .../records",
                    List.of(), Map.of("Retry-After", "5"));
        }
        GroupMembers.Member me = members.join(sub.topic(), sub.group(), sub.partitionCount());
        signals.appended(sub.topic()); // wakes the group's other connections to take up the new deal
        try {
            OutputStream out = ctx.res().getOutputStream();
            out.write(": subscribed\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            stream(out, sub, me);
        } catch (IOException clientGone) {
            // The client disconnected; what it was sent but not committed is sent again on its next connection.
        } finally {
            members.leave(me);
            active.decrementAndGet();
        }
    }

    /** What a subscription asks for, once checked. */
    private record Subscription(String topic, String group, boolean earliest, int partitionCount, long max) {
    }

    private Subscription start(Context ctx) {
        String topic = ctx.pathParam("topic");
        auth.require(ctx, Security.Scope.Action.CONSUME, topic);
        TopicInfo info = runtime.topic(topic).orElseThrow(() -> TopicRoutes.unknown(topic));
        String group = ctx.queryParam("group");
        if (group == null || group.isEmpty() || group.length() > 249 || group.chars().anyMatch(c -> c < 0x20)) {
            throw ApiException.badRequest("invalid-parameter", "?group= names the consumer group: 1 to 249"
                    + " characters, no control characters", null, null);
        }
        String from = ctx.queryParam("from") == null ? "latest" : ctx.queryParam("from");
        if (!from.equals("latest") && !from.equals("earliest")) {
            throw ApiException.badRequest("invalid-parameter", "?from= is latest or earliest (where a new group"
                    + " starts)", null, null);
        }
        ctx.res().setStatus(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        long max = RecordRoutes.longParam(ctx, "max", 0);
        return new Subscription(topic, group, from.equals("earliest"), info.config().partitions(), max);
    }

    /**
     * Sends the member's partitions as events and commits what the client got. A flush only hands bytes to the
     * kernel: to a client that has just gone away, a write still succeeds once. So events count as delivered (and
     * their offsets are committed) only when a later write, at least {@value #CONFIRM_MS} ms after them, succeeds
     * too; a comment line ({@code ": ok"}) makes that write when no events follow.
     */
    private void stream(OutputStream out, Subscription sub, GroupMembers.Member me)
            throws IOException, InterruptedException {
        Map<Integer, Long> next = new HashMap<>();
        Unconfirmed unconfirmed = new Unconfirmed();
        long generation = -1;
        long left = sub.max() > 0 ? sub.max() : Long.MAX_VALUE;
        long lastWrite = System.currentTimeMillis();
        while (!closing.getAsBoolean() && runtime.topic(sub.topic()).isPresent()) {
            if (generation != me.generation()) {
                // A new deal: write soon, so that a connection that went away is found and its partitions freed.
                // Partitions this connection keeps continue where it is; new ones start at the group's position.
                lastWrite = generation < 0 ? lastWrite : 0;
                generation = me.generation();
                List<Integer> owned = me.partitions();
                next.keySet().retainAll(owned);
                unconfirmed.retain(owned);
                List<Integer> added = owned.stream().filter(p -> !next.containsKey(p)).toList();
                next.putAll(positions(sub.topic(), sub.group(), added, sub.earliest()));
            }
            Map<Integer, Long> delivered = new HashMap<>();
            StringBuilder events = new StringBuilder();
            left -= events(sub.topic(), next, delivered, events, left);
            long now = System.currentTimeMillis();
            if (!events.isEmpty() || unconfirmed.due(now) || now - lastWrite >= HEARTBEAT_MS) {
                out.write((events.isEmpty() ? ": ok\n\n" : events.toString()).getBytes(StandardCharsets.UTF_8));
                out.flush();
                lastWrite = now;
                Map<Integer, Long> confirmed = unconfirmed.wrote(delivered, now);
                if (!confirmed.isEmpty() && me.generation() == generation) {
                    runtime.commitOffsets(sub.group(), sub.topic(), confirmed).join();
                }
                next.putAll(delivered);
                if (!events.isEmpty()) {
                    continue;
                }
            }
            if (left == 0 && unconfirmed.isEmpty()) {
                return; // ?max= events delivered and confirmed: the stream ends
            }
            signals.await(sub.topic(), unconfirmed.waitMs(now, IDLE_WAIT_MS));
        }
    }

    /**
     * Appends the events of the next records of each partition, at most {@code left}; {@code delivered} gets each
     * partition's next offset. Returns how many.
     */
    private int events(String topic, Map<Integer, Long> next, Map<Integer, Long> delivered, StringBuilder events,
            long left) {
        int count = 0;
        for (Map.Entry<Integer, Long> e : next.entrySet()) {
            if (count >= left) {
                break;
            }
            for (LogRecord r : runtime.read(topic, e.getKey(), e.getValue(), (int) Math.min(BATCH, left - count))) {
                events.append("id: ").append(r.partition()).append(':').append(r.offset()).append('\n')
                        .append("data: ").append(RecordJson.toString(topic, r)).append("\n\n");
                delivered.put(r.partition(), r.offset() + 1);
                count++;
            }
        }
        return count;
    }

    /**
     * Positions flushed to the client but not yet confirmed by a later write, in rounds of at most
     * {@value #ROUND_MS} ms (so a steady stream still gets confirmed, and memory stays a few maps).
     */
    static final class Unconfirmed {
        private final ArrayDeque<Round> rounds = new ArrayDeque<>();

        private static final class Round {
            final long startMs;
            long lastWriteMs;
            final Map<Integer, Long> next = new HashMap<>();

            Round(long startMs) {
                this.startMs = startMs;
            }
        }

        /** Forgets what was sent from partitions this connection no longer owns. */
        void retain(List<Integer> partitions) {
            for (Round r : rounds) {
                r.next.keySet().retainAll(partitions);
            }
            rounds.removeIf(r -> r.next.isEmpty());
        }

        boolean isEmpty() {
            return rounds.isEmpty();
        }

        /** True when a write now would confirm something. */
        boolean due(long now) {
            return !rounds.isEmpty() && rounds.peekFirst().lastWriteMs <= now - CONFIRM_MS;
        }

        /** How long to wait for new records before a confirming write is due, at most {@code max}. */
        long waitMs(long now, long max) {
            return rounds.isEmpty() ? max : Math.clamp(rounds.peekFirst().lastWriteMs + CONFIRM_MS - now, 1, max);
        }

        /** A write at {@code now} of {@code delivered} succeeded: returns the positions it confirms. */
        Map<Integer, Long> wrote(Map<Integer, Long> delivered, long now) {
            Map<Integer, Long> confirmed = new HashMap<>();
            while (!rounds.isEmpty() && rounds.peekFirst().lastWriteMs <= now - CONFIRM_MS) {
                confirmed.putAll(rounds.pollFirst().next);
            }
            if (!delivered.isEmpty()) {
                Round last = rounds.peekLast();
                if (last == null || now - last.startMs >= ROUND_MS) {
                    last = new Round(now);
                    rounds.addLast(last);
                }
                last.next.putAll(delivered);
                last.lastWriteMs = now;
            }
            return confirmed;
        }
    }

    /** Where the group continues in each partition; a group new to a partition starts there and commits it. */
    private Map<Integer, Long> positions(String topic, String group, List<Integer> partitions, boolean earliest) {
        Map<Integer, Long> next = new HashMap<>();
        Map<Integer, Long> start = new HashMap<>();
        TopicInfo info = runtime.topic(topic).orElseThrow(() -> TopicRoutes.unknown(topic));
        for (int p : partitions) {
            OptionalLong committed = runtime.committedOffset(group, topic, p);
            if (committed.isPresent()) {
                next.put(p, Math.max(committed.getAsLong(), info.partitions().get(p).startOffset()));
            } else {
                long at = earliest ? info.partitions().get(p).startOffset() : info.partitions().get(p).endOffset();
                next.put(p, at);
                start.put(p, at);
            }
        }
        if (!start.isEmpty()) {
            runtime.commitOffsets(group, topic, start).join();
        }
        return next;
    }

    /**
     * The connections of each (topic, group) and the partitions dealt to each: in join order, partition i to member
     * i mod n. Every change bumps the generation, which tells a member to re-read its partitions and positions.
     */
    static final class GroupMembers {
        private final Map<String, List<Member>> groups = new HashMap<>();

        /** One connection of a group. */
        static final class Member {
            private final String key;
            private final int partitionCount;
            private volatile List<Integer> partitions = List.of();
            private volatile long generation;

            Member(String key, int partitionCount) {
                this.key = key;
                this.partitionCount = partitionCount;
            }

            List<Integer> partitions() {
                return partitions;
            }

            long generation() {
                return generation;
            }
        }

        synchronized Member join(String topic, String group, int partitionCount) {
            Member m = new Member(topic + '\0' + group, partitionCount);
            groups.computeIfAbsent(m.key, k -> new ArrayList<>()).add(m);
            deal(groups.get(m.key));
            return m;
        }

        synchronized void leave(Member m) {
            List<Member> list = groups.get(m.key);
            list.remove(m);
            if (list.isEmpty()) {
                groups.remove(m.key);
            } else {
                deal(list);
            }
        }

        private static void deal(List<Member> list) {
            for (int i = 0; i < list.size(); i++) {
                List<Integer> mine = new ArrayList<>();
                for (int p = i; p < list.get(i).partitionCount; p += list.size()) {
                    mine.add(p);
                }
                Member m = list.get(i);
                m.partitions = List.copyOf(mine);
                m.generation++;
            }
        }
    }
}

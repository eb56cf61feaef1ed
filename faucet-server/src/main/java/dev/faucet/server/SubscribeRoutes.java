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
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /v1/topics/{t}/subscribe?group=G}: server-sent events, one per record: {@code id: P:O} and
 * {@code data:} the record object of reads. Delivery is at-least-once: the group's next offsets are committed after
 * the events were flushed to the client and a later write on the connection, at least {@value #CONFIRM_MS} ms later,
 * succeeded too (so the client was still there); a reconnect (or a server restart) resumes after what was committed,
 * which may repeat the events of the last moments before a disconnect.
 *
 * <p>The connections of one group share the topic's partitions ({@link GroupMembers}); when one joins or leaves,
 * the partitions are dealt again and each connection continues from the group's committed offsets. A group new to
 * the topic starts at the end ({@code ?from=latest}, the default) or at the beginning ({@code ?from=earliest}).
 * Idle connections get a comment every {@value #HEARTBEAT_MS} ms, which also finds clients that went away.
 */
final class SubscribeRoutes {
    private static final long HEARTBEAT_MS = 15_000;
    private static final long CONFIRM_MS = 200;
    /** Each subscription holds one of Jetty's threads (250 at most), so they are capped well below that. */
    static final int MAX_SUBSCRIPTIONS = 64;
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


    void subscribe(Context ctx) throws IOException, InterruptedException {
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
        if (active.incrementAndGet() > MAX_SUBSCRIPTIONS) {
            active.decrementAndGet();
            throw new ApiException(503, "too-many-subscriptions", "the server already serves " + MAX_SUBSCRIPTIONS
                    + " subscriptions, each holding a thread; retry later or read with GET .../records",
                    List.of(), Map.of("Retry-After", "5"));
        }
        try {
            serve(ctx, topic, group, from, info);
        } finally {
            active.decrementAndGet();
        }
    }

    private void serve(Context ctx, String topic, String group, String from, TopicInfo info)
            throws IOException, InterruptedException {
        ctx.res().setStatus(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        OutputStream out = ctx.res().getOutputStream();
        out.write(": subscribed\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        GroupMembers.Member me = members.join(topic, group, info.config().partitions());
        try {
            stream(out, topic, group, from.equals("earliest"), me);
        } catch (IOException clientGone) {
            // The client disconnected; what it was sent but not committed is sent again on its next connection.
        } finally {
            members.leave(me);
        }
    }

    private void stream(OutputStream out, String topic, String group, boolean earliest, GroupMembers.Member me)
            throws IOException, InterruptedException {
        Map<Integer, Long> next = new HashMap<>();
        Deque<Written> unconfirmed = new ArrayDeque<>();
        long generation = -1;
        long lastWrite = System.currentTimeMillis();
        while (!closing.getAsBoolean() && runtime.topic(topic).isPresent()) {
            if (generation != me.generation()) {
                generation = me.generation();
                unconfirmed.clear();
                next = positions(topic, group, me.partitions(), earliest);
            }
            Map<Integer, Long> delivered = new HashMap<>();
            for (Map.Entry<Integer, Long> e : next.entrySet()) {
                StringBuilder events = new StringBuilder();
                for (LogRecord r : runtime.read(topic, e.getKey(), e.getValue(), BATCH)) {
                    events.append("id: ").append(r.partition()).append(':').append(r.offset()).append('\n')
                            .append("data: ").append(RecordJson.toString(topic, r)).append("\n\n");
                    delivered.put(r.partition(), r.offset() + 1);
                }
                if (!events.isEmpty()) {
                    out.write(events.toString().getBytes(StandardCharsets.UTF_8));
                }
            }
            long now = System.currentTimeMillis();
            if (!delivered.isEmpty()) {
                out.flush();
                lastWrite = now;
                next.putAll(delivered);
                confirm(unconfirmed, now, topic, group, me, generation);
                unconfirmed.addLast(new Written(now, Map.copyOf(delivered)));
                continue;
            }
            boolean confirming = !unconfirmed.isEmpty() && now - unconfirmed.peekFirst().atMs() >= CONFIRM_MS;
            if (confirming || now - lastWrite >= HEARTBEAT_MS) {
                out.write(": ping\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                lastWrite = now;
                confirm(unconfirmed, now, topic, group, me, generation);
            }
            signals.await(topic, unconfirmed.isEmpty() ? 200 : CONFIRM_MS);
        }
    }

    /** Events written at {@code atMs}, whose next offsets are committed once a later write confirms them. */
    private record Written(long atMs, Map<Integer, Long> nextOffsets) {
    }

    /**
     * Commits what was written at least {@value #CONFIRM_MS} ms before a write that just succeeded. A write to a
     * connection the client has closed usually succeeds once (the reset comes back after it), so the events of that
     * write are only committed when a later write, after a round trip's worth of time, succeeds too.
     */
    private void confirm(Deque<Written> unconfirmed, long now, String topic, String group, GroupMembers.Member me,
            long generation) {
        Map<Integer, Long> commit = new HashMap<>();
        while (!unconfirmed.isEmpty() && now - unconfirmed.peekFirst().atMs() >= CONFIRM_MS) {
            commit.putAll(unconfirmed.pollFirst().nextOffsets());
        }
        if (!commit.isEmpty() && me.generation() == generation) {
            runtime.commitOffsets(group, topic, commit).join();
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

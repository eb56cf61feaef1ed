package dev.faucet.testkit;

import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Pipeline;
import dev.faucet.log.Header;
import dev.faucet.log.NewRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The pipelines of {@link PipelineCrashIT}, their input records, and what each pipeline must make of each record: all
 * pure functions of the guarantee and the record's sequence number, shared by the child that publishes and the test
 * that checks.
 *
 * <p>Record {@code seq} is {@code {"seq":N,"ts":N,"ok":…,"gold":…,"id":"k…","pair":"p…"}}, keyed by its {@code id}
 * and carrying a {@code seq} header. The two records of a pair ({@code seq} and {@code seq + 64}, in each block of 128)
 * share their {@code id}, so they land in one input partition and, after the {@code key} step, in one repartition
 * partition, in publish order: what {@code dedupe} drops is then decided by the sequence numbers alone. They are 64
 * records apart so that kills often fall between them, when the second one meets the state the first one left. Some
 * records are poison, each of a kind that goes to the dead letters at a known step: not JSON, no event time,
 * {@code ok} or {@code gold} not a boolean.
 *
 * <p>Each {@link Run} is one guarantee running {@code filter(ok) → set(sid = id) → key(id) → route(gold)}: two
 * stages, each committing on its own. One exactly-once run adds {@code dedupe(pair)} after the key step, so its commits
 * also carry state changes (a dedupe step also drops what a replay would repeat, so the run without it is the one
 * where repeated outputs would show). The expressions mean the same in CEL and in the engine's stub: a bare boolean
 * field for conditions, a bare field name for values and keys.
 */
final class CrashInputs {
    static final String INPUT = "in";
    static final String GOLD = "out-gold";
    static final String REST = "out-rest";
    static final int INPUT_PARTITIONS = 4;
    static final int GOLD_PARTITIONS = 2;
    static final String SEQ_HEADER = "seq";
    /** The distance between the records of a pair, and the number of ids: record {@code seq} has {@code seq % 64}. */
    private static final int PAIR_GAP = 64;
    private static final int POISON_PERIOD = 41;

    /** A pipeline of the test: a guarantee, with or without a dedupe step. */
    enum Run {
        EXACTLY_ONCE(Guarantee.EXACTLY_ONCE, false),
        EXACTLY_ONCE_DEDUPE(Guarantee.EXACTLY_ONCE, true),
        AT_LEAST_ONCE(Guarantee.AT_LEAST_ONCE, false),
        AT_MOST_ONCE(Guarantee.AT_MOST_ONCE, false);

        final Guarantee guarantee;
        final boolean dedupe;

        Run(Guarantee guarantee, boolean dedupe) {
            this.guarantee = guarantee;
            this.dedupe = dedupe;
        }

        /** Its name on the command line, in file names and in the pipeline's name. */
        String id() {
            return guarantee.yamlName() + (dedupe ? "-dedupe" : "");
        }

        static Run of(String id) {
            for (Run r : values()) {
                if (r.id().equals(id)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("no run " + id);
        }
    }

    /** What a record is made of. */
    enum Kind { NORMAL, NOT_JSON, NO_EVENT_TIME, BAD_OK, BAD_GOLD }

    /** Where a record must end up: an output topic, the dead letters (at a step, with an error type), or nowhere. */
    record Fate(Where where, String topic, String step, String errorType) {
        enum Where { OUTPUT, DEAD_LETTER, FILTERED, DUPLICATE }

        static Fate output(String topic) {
            return new Fate(Where.OUTPUT, topic, null, null);
        }

        static Fate dead(String step, String type) {
            return new Fate(Where.DEAD_LETTER, null, step, type);
        }

        boolean appears() {
            return where == Where.OUTPUT || where == Where.DEAD_LETTER;
        }

        @Override
        public String toString() {
            return switch (where) {
                case OUTPUT -> "output to " + topic;
                case DEAD_LETTER -> "dead letter at " + step + " (" + errorType + ")";
                case FILTERED -> "filtered";
                case DUPLICATE -> "dropped by dedupe";
            };
        }
    }

    private CrashInputs() {
    }

    static String pipelineName(Run run) {
        return "crash-" + run.id();
    }

    /** The same definition every time for a run, so that a restarted child finds the version it deployed. */
    static Pipeline pipeline(Run run) {
        Pipeline.Builder b = Pipeline.from(INPUT).guarantee(run.guarantee).time("ts", Duration.ZERO).filter("ok")
                .set("sid", "id").key("id");
        if (run.dedupe) {
            b.dedupe("pair", Duration.ofMinutes(10));
        }
        return b.route(r -> r.when("gold", GOLD).otherwise(REST)).build(pipelineName(run));
    }

    static String routeStep(Run run) {
        return "route#" + (run.dedupe ? 5 : 4);
    }

    static Kind kind(long seq) {
        return switch ((int) (seq % POISON_PERIOD)) {
            case 7 -> Kind.NOT_JSON;
            case 19 -> Kind.BAD_OK;
            case 31 -> Kind.BAD_GOLD;
            case 37 -> Kind.NO_EVENT_TIME;
            default -> Kind.NORMAL;
        };
    }

    static String id(long seq) {
        return "k" + seq % PAIR_GAP;
    }

    /** Whether {@code seq} is the second record of its pair (the first is {@code seq - 64}). */
    static boolean second(long seq) {
        return seq / PAIR_GAP % 2 == 1;
    }

    static String pair(long seq) {
        return "p" + (seq / (2 * PAIR_GAP) * PAIR_GAP + seq % PAIR_GAP);
    }

    /** About four in five records pass the filter, about three in ten of those are gold. */
    static boolean ok(long seq) {
        return mix(seq, 1) % 10 < 8;
    }

    static boolean gold(long seq) {
        return mix(seq, 2) % 10 < 3;
    }

    /** The input value as published. */
    static String value(long seq) {
        Kind k = kind(seq);
        if (k == Kind.NOT_JSON) {
            return "not json {seq " + seq;
        }
        String ts = k == Kind.NO_EVENT_TIME ? "" : ",\"ts\":" + seq;
        String ok = k == Kind.BAD_OK ? "\"yes\"" : Boolean.toString(k == Kind.BAD_GOLD || ok(seq));
        String gold = k == Kind.BAD_GOLD ? "7" : Boolean.toString(gold(seq));
        return "{\"seq\":" + seq + ts + ",\"ok\":" + ok + ",\"gold\":" + gold + ",\"id\":\"" + id(seq)
                + "\",\"pair\":\"" + pair(seq) + "\"}";
    }

    /** The value after {@code set(sid = id)}: what an output holds, byte for byte (the engine writes compact JSON). */
    static String transformed(long seq) {
        String v = value(seq);
        return v.substring(0, v.length() - 1) + ",\"sid\":\"" + id(seq) + "\"}";
    }

    static NewRecord record(long seq) {
        return new NewRecord(id(seq).getBytes(StandardCharsets.UTF_8), value(seq).getBytes(StandardCharsets.UTF_8),
                List.of(Header.of(SEQ_HEADER, Long.toString(seq))), NewRecord.NO_TIMESTAMP, NewRecord.ANY_PARTITION);
    }

    /** What the pipeline of {@code run} must make of record {@code seq}. */
    static Fate fate(Run run, long seq) {
        Kind k = kind(seq);
        if (k == Kind.NOT_JSON) {
            return Fate.dead("input", "not-json");
        }
        if (k == Kind.NO_EVENT_TIME) {
            return Fate.dead("input", "bad-event-time");
        }
        if (k == Kind.BAD_OK) {
            return Fate.dead("filter#1", "expression-error");
        }
        if (k == Kind.NORMAL && !ok(seq)) {
            return new Fate(Fate.Where.FILTERED, null, null, null);
        }
        // The first of a pair that got through (a dead-lettered one keeps no dedupe state) makes the second a repeat.
        if (run.dedupe && second(seq) && fate(run, seq - PAIR_GAP).where() == Fate.Where.OUTPUT) {
            return new Fate(Fate.Where.DUPLICATE, null, null, null);
        }
        if (k == Kind.BAD_GOLD) {
            return Fate.dead(routeStep(run), "expression-error");
        }
        return Fate.output(gold(seq) ? GOLD : REST);
    }

    private static long mix(long seq, long salt) {
        long z = seq * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) >>> 1;
    }
}

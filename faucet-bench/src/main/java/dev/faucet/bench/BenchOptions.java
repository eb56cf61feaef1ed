package dev.faucet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of {@link BenchMain}: a subcommand and {@code --name value} options.
 *
 * @param seconds how long each configuration is measured
 * @param warmupSeconds how long each configuration runs before it is measured
 * @param dir where the logs go; {@code null} for a fresh directory under {@code ./target/bench}, deleted afterwards
 * @param keep keep the data directory afterwards
 * @param batch records per append in the batch configurations
 * @param windows appends each thread keeps in flight (the matrix runs each)
 * @param partitions partition counts of the append matrix
 * @param threads appending thread counts of the append matrix
 * @param batches records per append of the append matrix ({@code 1} is the single-record append)
 * @param repeat how many times each benchmark runs (medians are printed when more than once)
 * @param records records preloaded for the read benchmark
 * @param bytes log size written before the kill -9 of the recovery benchmark
 * @param opens clean reopens timed after the first open that recovers from the kill
 * @param recordBytes the value size of every record
 * @param settleSeconds before each measurement, wait up to this long for the machine to be quiet (shared machines)
 */
record BenchOptions(String command, int seconds, int warmupSeconds, Path dir, boolean keep, int batch,
        List<Integer> windows, List<Integer> partitions, List<Integer> threads, List<Integer> batches, int repeat,
        long records, long bytes, int opens, int recordBytes, int settleSeconds, List<String> rest) {

    static final String USAGE = """
            usage: java -jar faucet-bench-all.jar COMMAND [options]
              commands: disk | log-append | log-read | log-recovery | all | jmh [JMH options]
              | http | http-server | http-load (see their own usage: BenchMain http --help)
              --seconds N       measure each configuration N seconds (10)
              --warmup N        warm each configuration up N seconds first (3)
              --dir PATH        data directory (default: fresh dir under ./target/bench, deleted afterwards)
              --keep            keep the data directory
              --batch N         records per append in batch configurations (100)
              --window L        appends in flight per thread, comma separated (8)
              --partitions L    partition counts, comma separated (1,8)
              --threads L       appending threads, comma separated (1,16)
              --modes L         single,batch (both)
              --repeat N        run each benchmark N times and print medians (1)
              --records N       records preloaded for log-read (5000000)
              --bytes N         log size for log-recovery, e.g. 2g, 512m (2g)
              --opens N         clean reopens timed after the recovering open (3)
              --record-bytes N  value bytes per record (200)
              --settle N        before each measurement wait up to N s for the machine to be quiet (0)""";

    static BenchOptions parse(String[] args) {
        if (args.length == 0 || args[0].startsWith("-")) {
            throw new IllegalArgumentException("no command given");
        }
        Map<String, String> o = new HashMap<>();
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[0].equals("jmh")) {
                rest.add(args[i]);
            } else if (args[i].equals("--keep")) {
                o.put("keep", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                o.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int batch = integer(o.remove("batch"), 100);
        List<Integer> batches = new ArrayList<>();
        for (String mode : o.getOrDefault("modes", "single,batch").split(",")) {
            batches.add(mode.equals("single") ? 1 : mode.equals("batch") ? batch : fail("--modes", mode));
        }
        o.remove("modes");
        BenchOptions b = new BenchOptions(args[0], integer(o.remove("seconds"), 10), integer(o.remove("warmup"), 3),
                o.containsKey("dir") ? Path.of(o.remove("dir")) : null, o.remove("keep") != null, batch,
                list(o.remove("window"), "8"), list(o.remove("partitions"), "1,8"), list(o.remove("threads"), "1,16"),
                batches, integer(o.remove("repeat"), 1), size(o.remove("records"), 5_000_000),
                size(o.remove("bytes"), 2L << 30), integer(o.remove("opens"), 3),
                integer(o.remove("record-bytes"), 200), integer(o.remove("settle"), 0), rest);
        if (!o.isEmpty()) {
            throw new IllegalArgumentException("unknown options " + o.keySet());
        }
        return b;
    }

    private static int fail(String option, String value) {
        throw new IllegalArgumentException(option + " does not take " + value);
    }

    private static int integer(String s, int dflt) {
        return s == null ? dflt : Integer.parseInt(s);
    }

    private static List<Integer> list(String s, String dflt) {
        List<Integer> out = new ArrayList<>();
        for (String part : (s == null ? dflt : s).split(",")) {
            out.add(Integer.parseInt(part.trim()));
        }
        return out;
    }

    /** A count or size with an optional k, m or g suffix (powers of 1024). */
    static long size(String s, long dflt) {
        if (s == null) {
            return dflt;
        }
        String t = s.trim().toLowerCase(Locale.ROOT);
        long unit = switch (t.charAt(t.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }
}

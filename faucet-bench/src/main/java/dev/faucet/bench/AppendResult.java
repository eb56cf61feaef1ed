package dev.faucet.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The figures of one measured append configuration. MB are 10^6 bytes; payload MB count the record values, disk MB
 * every byte the log appended to its files (batch and record headers, commit journal, indexes).
 *
 * @param commitsPerSecond durable group commits (fsyncs of the commit journal)
 * @param fsyncBusy the fraction of the wall time spent inside fsync calls (all on the writer thread)
 * @param fsyncNowMs the median latency of a 4 KiB append and fsync, probed for one second just before this
 *     configuration (the disk is shared: this says how fast it was at the time)
 * @param cpu CPU use over the measured interval
 * @param failed appends that completed exceptionally
 */
record AppendResult(AppendConfig config, double recordsPerSecond, double payloadMBps, double diskMBps,
        double fsyncsPerSecond, double commitsPerSecond, double p50Ms, double p99Ms, double p999Ms, double maxMs,
        double fsyncBusy, double fsyncNowMs, CpuMeter.Usage cpu, long failed) {

    double recordsPerFsync() {
        return fsyncsPerSecond == 0 ? 0 : recordsPerSecond / fsyncsPerSecond;
    }

    /** The median of each figure over repeated runs of one configuration (not one run's row). */
    static AppendResult median(List<AppendResult> runs) {
        CpuMeter.Usage cpu = new CpuMeter.Usage(median(runs, r -> r.cpu.writer()), median(runs, r -> r.cpu.acks()),
                median(runs, r -> r.cpu.process()), median(runs, r -> r.cpu.kernelThreads()),
                median(runs, r -> r.cpu.machine()));
        return new AppendResult(runs.get(0).config, median(runs, AppendResult::recordsPerSecond),
                median(runs, AppendResult::payloadMBps), median(runs, AppendResult::diskMBps),
                median(runs, AppendResult::fsyncsPerSecond), median(runs, AppendResult::commitsPerSecond),
                median(runs, AppendResult::p50Ms),
                median(runs, AppendResult::p99Ms), median(runs, AppendResult::p999Ms),
                median(runs, AppendResult::maxMs), median(runs, AppendResult::fsyncBusy),
                median(runs, AppendResult::fsyncNowMs), cpu,
                runs.stream().mapToLong(AppendResult::failed).sum());
    }

    static double median(List<AppendResult> runs, ToDoubleFunction<AppendResult> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double median(double... values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}

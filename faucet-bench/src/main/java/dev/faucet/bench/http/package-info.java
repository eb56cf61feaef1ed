/**
 * The HTTP ingest benchmark: single-record and batch publishes over many keep-alive connections from a load
 * generator in a separate process on loopback, against the server in front of the durable log and, as the baseline
 * measured in the same run, the same server in front of a no-op runtime ({@link dev.faucet.bench.http.NoopRuntime}).
 * Throughput is measured closed-loop; acknowledgement latency open-loop at a fixed fraction of that maximum, from
 * each request's due time (no coordinated omission), in HdrHistogram. See {@code docs/benchmarks.md}.
 */
package dev.faucet.bench.http;

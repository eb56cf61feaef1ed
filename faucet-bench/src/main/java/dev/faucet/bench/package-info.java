/**
 * Benchmarks of Faucet, each printed next to a baseline measured in the same run (STYLE.md habit 17).
 *
 * <p>{@link dev.faucet.bench.BenchMain} runs the end-to-end log benchmarks ({@code log-append}, {@code log-read},
 * {@code log-recovery}) and the machine baseline ({@code disk}: fsync, sequential write, CRC-32C on one core);
 * {@code dev.faucet.bench.jmh} holds the JMH benchmarks of hot paths.
 */
package dev.faucet.bench;

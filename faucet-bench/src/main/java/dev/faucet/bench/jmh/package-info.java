/**
 * JMH benchmarks of hot paths, each with its baseline: a single-record {@code Log.append} with fsync never and always
 * against a plain {@code FileChannel} write (and write plus force) of the same bytes, and CRC-32C of 64 KiB.
 * Run with {@code java -jar faucet-bench-*-all.jar jmh -f 1 -wi 2 -i 3}.
 */
package dev.faucet.bench.jmh;

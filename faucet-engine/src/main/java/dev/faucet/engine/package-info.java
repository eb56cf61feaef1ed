/**
 * The engine: the library entry point, pipelines (YAML and the Java DSL), steps, keyed state, event time, delivery
 * guarantees and the embedded runtime. It builds on the durable log ({@code dev.faucet.log}); its pipeline work
 * comes with the pipelines issue.
 */
package dev.faucet.engine;

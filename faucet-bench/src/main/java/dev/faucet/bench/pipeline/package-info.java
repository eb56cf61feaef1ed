/** The pipeline benchmark (issue 4): P1 over a preloaded backlog per guarantee, step costs, end-to-end latency. */
package dev.faucet.bench.pipeline;

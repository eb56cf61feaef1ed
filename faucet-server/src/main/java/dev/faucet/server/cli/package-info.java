/**
 * The client commands of {@code faucet}: they talk to a running server over its HTTP API, like any other client.
 *
 * <ul>
 *   <li>{@code faucet topic create|list|describe|delete} ({@link dev.faucet.server.cli.TopicCommand}).</li>
 *   <li>{@code faucet produce TOPIC}: NDJSON on stdin, sent in batches, each under its own
 *       {@code Idempotency-Key} so that a retry never writes twice ({@link dev.faucet.server.cli.ProduceCommand}).</li>
 *   <li>{@code faucet consume TOPIC}: NDJSON of the record objects on stdout, by reads or, with {@code --group}, by a
 *       group subscription ({@link dev.faucet.server.cli.ConsumeCommand}).</li>
 *   <li>{@code faucet pipeline validate|deploy|list|status|pause|resume|delete}: pipeline files are sent with their
 *       schema files inlined, and checked (a dry run) before anything is deployed
 *       ({@link dev.faucet.server.cli.PipelineCommand}).</li>
 * </ul>
 *
 * <p>Every command takes {@code --server URL} (default {@code http://127.0.0.1:8080}) and {@code --token T}
 * (default: the {@code FAUCET_TOKEN} environment variable; never printed). Exit codes are those of
 * {@link dev.faucet.server.Main}: 0 success, 1 the command failed (lines on stderr starting with {@code faucet: } say
 * why), 2 the command line was wrong. Only {@code Main} uses this package; the four command classes are public for
 * it, everything else is package-private.
 */
package dev.faucet.server.cli;

/**
 * The faucet program: the {@code faucet} command line and the HTTP server around the durable log.
 *
 * <ul>
 *   <li>{@link dev.faucet.server.Main}: the {@code faucet} command ({@code faucet server}, {@code --help},
 *       {@code --version}).</li>
 *   <li>{@link dev.faucet.server.FaucetServer}: opens the log in a data directory (recovery happens there), serves
 *       HTTP on a port (0 picks a free one, reported by {@code port()} and written to {@code DATA/server.port}),
 *       and closes both. Tests start it on port 0 and talk to it over loopback.</li>
 *   <li>{@link dev.faucet.server.ServerConfig}: the validated settings of one server.</li>
 *   <li>One {@code *Routes} class per HTTP resource; for now {@code HealthRoutes}: {@code GET /health/live} and
 *       {@code GET /health/ready}.</li>
 * </ul>
 */
package dev.faucet.server;

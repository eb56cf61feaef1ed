package dev.faucet.bench.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faucet.server.FaucetServer;
import dev.faucet.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator against a real server on loopback: it counts what the server acknowledged, and no more. */
class LoadGeneratorTest {
    @TempDir
    Path dir;
    private FaucetServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private LoadConfig load(LoadConfig.Mode mode, int connections, double rate) {
        return new LoadConfig(server.uri(), "bench", 2, "always", mode, connections, Duration.ofMillis(200),
                Duration.ofMillis(800), rate, 10, 64, ProcessHandle.current().pid());
    }

    @Test
    void shouldCountSingleRecordPublishesToTheNoopRuntime() throws Exception {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0), c -> new NoopRuntime());

        LoadResult r = LoadGenerator.run(load(LoadConfig.Mode.SINGLE, 4, 0));

        assertThat(r.requests()).isPositive();
        assertThat(r.records()).isEqualTo(r.requests());
        assertThat(r.errors()).isEmpty();
        assertThat(r.p50Ms()).isPositive().isLessThanOrEqualTo(r.p99Ms());
    }

    @Test
    void shouldCountEveryRecordOfDurableBatches() throws Exception {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0));

        LoadResult r = LoadGenerator.run(load(LoadConfig.Mode.BATCH, 2, 0));

        assertThat(r.requests()).isPositive();
        assertThat(r.records()).isEqualTo(10 * r.requests());
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void shouldSendAboutTheAskedRateInOpenLoop() throws Exception {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0), c -> new NoopRuntime());

        LoadResult r = LoadGenerator.run(load(LoadConfig.Mode.SINGLE, 4, 100));

        assertThat(r.requests()).isBetween(60L, 100L);
        assertThat(r.rate()).isEqualTo(100);
    }

    @Test
    void shouldCountRefusalsByStatusInsteadOfTimingThem() throws Exception {
        server = FaucetServer.start(ServerConfig.of(dir).withPort(0), c -> new NoopRuntime());
        LoadConfig tooLarge = new LoadConfig(server.uri(), "bench", 1, "never", LoadConfig.Mode.SINGLE, 1,
                Duration.ofMillis(100), Duration.ofMillis(500), 0, 1, 2 << 20, -1);

        LoadResult r = LoadGenerator.run(tooLarge);

        assertThat(r.requests()).isZero();
        assertThat(r.errors()).isNotEmpty().allSatisfy((status, count) -> assertThat(status).startsWith("4"));
        assertThat(r.p99Ms()).isZero();
    }

    @Test
    void shouldReadBackTheResultLineItPrints() {
        LoadResult r = new LoadResult("batch", 8, 350.5, 20, 7000, 7_000_000, 1.5, 9.25, 12.5, 30, Map.of("503", 3L,
                "io", 1L), new ProcCpu.Usage(1.2, 0.3, 0.25, 1.9));

        LoadResult back = LoadResult.parse(r.line());

        assertThat(back).isEqualTo(r);
        assertThat(back.recordsPerSecond()).isEqualTo(350_000);
    }
}

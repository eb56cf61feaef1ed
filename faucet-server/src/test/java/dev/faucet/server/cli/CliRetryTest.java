package dev.faucet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries, against a stand-in server that refuses the first attempts the way a busy Faucet server does. */
class CliRetryTest {
    private final List<String> keys = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger attempts = new AtomicInteger();
    private Javalin fake;

    @AfterEach
    void stopFake() {
        if (fake != null) {
            fake.stop();
        }
    }

    /** Answers the first {@code refusals} publishes with {@code status} and Retry-After: 0, then accepts. */
    private String fakeServer(int refusals, int status) {
        fake = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/v1/topics/orders/records", ctx -> publish(ctx, refusals, status));
            cfg.routes.get("/v1/topics/orders/records", ctx -> read(ctx, refusals, status));
            cfg.routes.get("/v1/topics/orders", ctx -> ctx.contentType("application/json").result("{\"name\":"
                    + "\"orders\",\"partitionCount\":1,\"partitions\":[{\"partition\":0,\"startOffset\":0,"
                    + "\"endOffset\":0,\"bytes\":0}]}"));
        }).start("127.0.0.1", 0);
        return "http://127.0.0.1:" + fake.port();
    }

    private void publish(Context ctx, int refusals, int status) {
        keys.add(ctx.header("Idempotency-Key"));
        if (attempts.incrementAndGet() <= refusals) {
            refuse(ctx, status);
        } else {
            ctx.contentType("application/json").result("{\"offsets\":[{\"partition\":0,\"offset\":0}]}");
        }
    }

    private void read(Context ctx, int refusals, int status) {
        if (attempts.incrementAndGet() <= refusals) {
            refuse(ctx, status);
        } else {
            ctx.contentType("application/json").result("{\"records\":[],\"cursor\":\"x\"}");
        }
    }

    private static void refuse(Context ctx, int status) {
        ctx.status(status).header("Retry-After", "0").contentType("application/problem+json")
                .result("{\"status\":" + status + ",\"detail\":\"busy, try again\"}");
    }

    @Test
    void shouldSendABatchAgainUnderTheSameIdempotencyKeyAfterA503() {
        String url = fakeServer(2, 503);

        Cli.Result produced = Cli.faucetWithInput("{\"n\":1}\n", "produce", "orders", "--server", url,
                "--idempotency-prefix", "p");

        assertThat(produced.exitCode()).isZero();
        assertThat(keys).containsExactly("p-1", "p-1", "p-1");
        assertThat(produced.out()).startsWith("produced 1 record to orders in ");
    }

    @Test
    void shouldSendABatchAgainAfterA429() {
        String url = fakeServer(1, 429);

        Cli.Result produced = Cli.faucetWithInput("{\"n\":1}\n", "produce", "orders", "--server", url);

        assertThat(produced.exitCode()).isZero();
        assertThat(keys).hasSize(2).doesNotContainNull().allMatch(k -> k.equals(keys.get(0)) && k.endsWith("-1"));
    }

    @Test
    void shouldGiveUpAfterTenRetriesAndSayTheBatchMayHaveBeenWritten() {
        String url = fakeServer(Integer.MAX_VALUE, 503);

        Cli.Result produced = Cli.faucetWithInput("{\"n\":1}\n", "produce", "orders", "--server", url,
                "--idempotency-prefix", "p");

        assertThat(produced.exitCode()).isEqualTo(1);
        assertThat(keys).hasSize(11);
        assertThat(produced.err()).isEqualTo("faucet: busy, try again\nfaucet: batch 1 (input lines 1 to 1) may or"
                + " may not have been written; 0 records were produced before it; to finish without duplicates,"
                + " produce the same input again with --idempotency-prefix p\n");
    }

    @Test
    void shouldRetryAReadThatTheServerIsTooBusyToAnswer() {
        String url = fakeServer(3, 503);

        Cli.Result consumed = Cli.faucet("consume", "orders", "--from-beginning", "--server", url);

        assertThat(consumed.exitCode()).isZero();
        assertThat(attempts).hasValue(4);
    }
}

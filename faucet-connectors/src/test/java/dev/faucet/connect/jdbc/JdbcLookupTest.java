package dev.faucet.connect.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faucet.connect.postgres.PostgresFixture;
import dev.faucet.engine.EmbeddedRuntime;
import dev.faucet.engine.IdempotencySettings;
import dev.faucet.engine.InvalidPipelineException;
import dev.faucet.engine.PipelineRuntime;
import dev.faucet.engine.PipelineYaml;
import dev.faucet.engine.Publish;
import dev.faucet.log.Header;
import dev.faucet.log.LogRecord;
import dev.faucet.log.NewRecord;
import dev.faucet.log.TopicConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code enrich} from a real PostgreSQL: rows as JSON, the cache in front, its refresh, misses and bad settings. */
class JdbcLookupTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedPostgres pg;

    @TempDir
    Path dir;
    private PipelineRuntime rt;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresFixture.start();
        PostgresFixture.sql(pg, "faucet_test", "CREATE TABLE customers (id integer PRIMARY KEY, tier text, tax_rate"
                + " numeric, vip boolean, tags jsonb, since timestamptz)");
        PostgresFixture.sql(pg, "faucet_test", "INSERT INTO customers SELECT g, 'silver', 0.2, g % 2 = 0,"
                + " '{\"region\": \"eu\"}', '2026-01-02T03:04:05Z' FROM generate_series(1, 10) g");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @AfterEach
    void close() {
        if (rt != null) {
            rt.close();
        }
    }

    private void deploy(String ttl, String onMissing) throws Exception {
        rt = EmbeddedRuntime.open(dir, c -> c, IdempotencySettings.DEFAULTS, meters);
        rt.createTopic(TopicConfig.of("orders", 1));
        rt.createTopic(TopicConfig.of("enriched", 1));
        rt.deploy(PipelineYaml.parse("""
                name: enrich-db
                input: orders
                steps:
                  - enrich:
                      from:
                        jdbc:
                          url: "%s"
                          user: postgres
                          query: >-
                            select tier, tax_rate as "taxRate", vip, tags, since from customers where id = ?
                      key: customerId
                      into: customer
                      onMissing: %s
                      cache: { size: 100, ttl: %s }
                  - set: { total: "amount * (1.0 + customer.taxRate)" }
                  - to: enriched
                """.formatted(PostgresFixture.url(pg, "faucet_test"), onMissing, ttl), "enrich-db.yaml", null));
    }

    private void send(int from, int to) {
        for (int i = from; i < to; i++) {
            byte[] v = ("{\"id\":" + i + ",\"customerId\":" + (1 + i % 10) + ",\"amount\":10}")
                    .getBytes(StandardCharsets.UTF_8);
            rt.publish(new Publish("orders", List.of(new NewRecord(null, v, List.<Header>of(), NewRecord.NO_TIMESTAMP,
                    NewRecord.ANY_PARTITION)), null, null)).join();
        }
    }

    private List<JsonNode> outputs(String topic) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (LogRecord r : rt.read(topic, 0, 0, 10_000)) {
            out.add(JSON.readTree(r.value()));
        }
        return out;
    }

    private double lookups(String result) {
        return meters.get("faucet.pipeline.lookup.requests").tag("result", result).functionCounter().count();
    }

    @Test
    void rowsAreJsonAndTheDatabaseIsAskedOncePerKey() throws Exception {
        deploy("5m", "dead-letter");
        send(0, 200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outputs("enriched").size() == 200);
        JsonNode first = outputs("enriched").get(0);
        assertThat(first.at("/customer/tier").asText()).isEqualTo("silver");
        assertThat(first.at("/customer/taxRate").decimalValue()).isEqualByComparingTo("0.2");
        assertThat(first.at("/customer/vip").isBoolean()).isTrue();
        assertThat(first.at("/customer/tags/region").asText()).isEqualTo("eu");
        assertThat(first.at("/customer/since").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(first.get("total").asDouble()).isEqualTo(12.0);
        assertThat(lookups("miss")).isEqualTo(10);
        assertThat(lookups("hit")).isEqualTo(190);

        // Within the ttl a changed row is not seen: the cache answers, not the database.
        PostgresFixture.sql(pg, "faucet_test", "UPDATE customers SET tier = 'gold' WHERE id = 1");
        send(200, 210);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outputs("enriched").size() == 210);
        assertThat(outputs("enriched").subList(200, 210)).allMatch(o -> o.at("/customer/tier").asText()
                .equals("silver"));
        assertThat(lookups("miss")).isEqualTo(10);
        PostgresFixture.sql(pg, "faucet_test", "UPDATE customers SET tier = 'silver' WHERE id = 1");
    }

    @Test
    void aChangedRowIsSeenOnceItsValueIsOlderThanTheTtl() throws Exception {
        deploy("1s", "dead-letter");
        send(0, 10);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outputs("enriched").size() == 10);
        PostgresFixture.sql(pg, "faucet_test", "UPDATE customers SET tier = 'gold' WHERE id = 2");
        try {
            int[] next = {10};
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                send(next[0], next[0] + 10);
                next[0] += 10;
                List<JsonNode> out = outputs("enriched");
                return out.stream().anyMatch(o -> o.get("customerId").asInt() == 2
                        && o.at("/customer/tier").asText().equals("gold"));
            });
        } finally {
            PostgresFixture.sql(pg, "faucet_test", "UPDATE customers SET tier = 'silver' WHERE id = 2");
        }
    }

    @Test
    void aKeyWithoutARowFollowsOnMissingAndIsAskedOnce() throws Exception {
        deploy("5m", "dead-letter");
        for (int i = 0; i < 3; i++) {
            byte[] v = "{\"id\":1,\"customerId\":99,\"amount\":10}".getBytes(StandardCharsets.UTF_8);
            rt.publish(new Publish("orders", List.of(new NewRecord(null, v, List.<Header>of(), NewRecord.NO_TIMESTAMP,
                    NewRecord.ANY_PARTITION)), null, null)).join();
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> outputs("enrich-db.dlq").size() == 3);
        JsonNode letter = outputs("enrich-db.dlq").get(0);
        assertThat(letter.at("/error/type").asText()).isEqualTo("enrich-missing");
        assertThat(letter.at("/error/message").asText()).contains("no row with key '99' in the jdbc lookup");
        assertThat(lookups("miss")).isEqualTo(1);
    }

    @Test
    void badSettingsAreRefusedAtDeployWithTheirLine() throws Exception {
        rt = EmbeddedRuntime.open(dir);
        rt.createTopic(TopicConfig.of("orders", 1));
        rt.createTopic(TopicConfig.of("enriched", 1));
        assertThatThrownBy(() -> rt.deploy(PipelineYaml.parse("""
                name: bad
                input: orders
                steps:
                  - enrich:
                      from: { jdbc: { url: "jdbc:mysql://127.0.0.1/shop", query: "select * from c" } }
                      key: customerId
                      into: customer
                  - to: enriched
                """, "bad.yaml", null))).isInstanceOf(InvalidPipelineException.class)
                .hasMessageContaining("bad.yaml:5: steps[0].enrich.from.jdbc.url: no JDBC driver for 'jdbc:mysql:'")
                .hasMessageContaining("steps[0].enrich.from.jdbc.query: the query needs exactly one ?");
    }
}

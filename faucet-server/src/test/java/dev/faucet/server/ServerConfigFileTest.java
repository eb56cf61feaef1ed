package dev.faucet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigFileTest {
    @TempDir
    Path dir;

    private ServerConfig read(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("faucet.yaml");
        Files.writeString(file, yaml);
        return ServerConfigFile.apply(file, ServerConfig.of(dir.resolve("data")), env::get);
    }

    private void refused(String yaml, String... messageParts) {
        assertThatThrownBy(() -> read(yaml, Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void readsEveryKeyWithItsUnits() throws IOException {
        ServerConfig c = read("""
                limits:
                  maxBody: 8MiB
                  maxRecord: 512KiB
                  maxHeader: 8KiB
                  idleTimeout: 10s
                  maxConnections: 100
                  maxJsonDepth: 32
                  maxInFlight: 64MiB
                  minFreeDisk: 1GB
                backlog: { maxRecords: 5000, maxBytes: 10MiB, policy: wait, waitTimeout: 2s, retryAfter: 3s }
                idempotency: { window: 10m, maxKeys: 500 }
                tokens:
                  - name: ingest
                    secret: ${INGEST_TOKEN}
                    scopes: [ "produce:orders*", "consume:*" ]
                """, Map.of("INGEST_TOKEN", "from-the-environment-123"));
        assertThat(c.limits()).isEqualTo(new Limits(8L << 20, 512 << 10, 8 << 10, Duration.ofSeconds(10), 100, 32,
                64L << 20, 1_000_000_000L, Limits.DEFAULT_MIN_DATA_RATE));
        assertThat(c.backlog()).isEqualTo(new Backlog(5000, 10L << 20, Backlog.Policy.WAIT, Duration.ofSeconds(2),
                Duration.ofSeconds(3)));
        assertThat(c.idempotency().window()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.security().tokens()).singleElement().satisfies(t -> {
            assertThat(t.secret()).isEqualTo("from-the-environment-123");
            assertThat(t.allows(Security.Scope.Action.PRODUCE, "orders-eu")).isTrue();
            assertThat(t.allows(Security.Scope.Action.PRODUCE, "payments")).isFalse();
            assertThat(t.allows(Security.Scope.Action.ADMIN, null)).isFalse();
        });
    }

    @Test
    void sourcesAreReadWithTheirSettingsAsWritten() throws IOException {
        ServerConfig c = read("""
                sources:
                  - name: legacy-orders
                    to: orders
                    kafka: { bootstrap: "kafka-1:9092", topic: orders, properties: { sasl.jaas.config: "${JAAS}" } }
                """, Map.of());
        assertThat(c.sources()).hasSize(1);
        SourceDefinition s = c.sources().get(0);
        assertThat(s.name()).isEqualTo("legacy-orders");
        assertThat(s.type()).isEqualTo("kafka");
        assertThat(s.to()).isEqualTo("orders");
        assertThat(s.settings().path("bootstrap").asText()).isEqualTo("kafka-1:9092");
        // Kept as written: the connector substitutes ${ENV} when it connects, so the value is never stored.
        assertThat(s.settings().at("/properties/sasl.jaas.config").asText()).isEqualTo("${JAAS}");
    }

    @Test
    void aSourceWithoutItsNameTargetOrTypeIsRefused() {
        refused("sources:\n  - { to: orders, kafka: { bootstrap: \"k:9092\", topic: t } }\n", "sources[0]",
                "needs 'name'");
        refused("sources:\n  - { name: a, to: orders }\n", "sources[0]", "kafka: {bootstrap, topic}");
        refused("sources:\n  - { name: a, to: orders, kafak: {} }\n", "sources[0].kafak: unknown setting",
                "did you mean sources[0].kafka");
    }

    @Test
    void anUnknownKeyIsRefusedWithASuggestion() {
        refused("limits:\n  maxBodySize: 1MiB\n", "limits.maxBodySize: unknown setting", "did you mean limits.maxBody");
        refused("backlogg: {}\n", "backlogg: unknown setting", "did you mean backlog");
    }

    @Test
    void sizesAndDurationsNeedUnits() {
        refused("limits:\n  maxBody: 1000\n", "limits.maxBody", "not a size");
        refused("limits:\n  idleTimeout: 5\n", "limits.idleTimeout", "not a duration");
        refused("limits:\n  maxBody: 10 mb\n", "limits.maxBody");
    }

    @Test
    void duplicateKeysAreRefusedAndAliasesAreNeverExpanded() {
        refused("limits:\n  maxBody: 1MiB\n  maxBody: 2MiB\n", "not valid YAML", "maxBody");
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (char c = 'b'; c <= 'z'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev)
                    .append(", *").append(prev).append("]\n");
        }
        // Jackson's YAML reader does not expand aliases into copies, so a "billion laughs" costs nothing to refuse.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refused(bomb.toString(), "a: unknown setting"));
    }

    @Test
    void aMissingEnvironmentVariableIsAnError() {
        refused("tokens:\n  - { name: a, secret: \"${NOT_SET_ANYWHERE}\", scopes: [admin] }\n",
                "NOT_SET_ANYWHERE is not set");
    }

    @Test
    void inconsistentLimitsAreRefusedNamingBoth() {
        refused("limits: { maxBody: 1MiB, maxRecord: 2MiB }\n", "limits.maxRecord (", "limits.maxBody (");
    }

    @Test
    void aMissingFileOrADirectoryIsNamed() {
        assertThatThrownBy(() -> ServerConfigFile.apply(dir.resolve("nope.yaml"), ServerConfig.of(dir), k -> null))
                .hasMessageContaining("nope.yaml").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ServerConfigFile.apply(dir, ServerConfig.of(dir), k -> null))
                .hasMessageContaining("is a directory");
    }
}

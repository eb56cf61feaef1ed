package dev.faucet.connect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.Guarantee;
import dev.faucet.engine.SinkBatch;
import dev.faucet.engine.SinkContext;
import dev.faucet.engine.SinkRecord;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How a record's fields become a row's columns: by name, exact before case-insensitive, defaults kept, JSON kept. */
class PostgresSinkColumnsTest {
    static EmbeddedPostgres pg;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresFixture.start();
        PostgresFixture.sql(pg, "faucet_test", "CREATE TABLE accounts (id text PRIMARY KEY, customerid text, note text"
                + " DEFAULT 'none', payload jsonb, amount numeric)");
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    private static SinkRecord record(long offset, String json) {
        return new SinkRecord(0, offset, new SinkRecord.Source("in", 0, offset), null,
                json.getBytes(StandardCharsets.UTF_8), Map.of(), 0);
    }

    @Test
    void fieldsMapToColumnsByNameAndDefaultsStayForAbsentFields() throws Exception {
        ObjectNode s = JsonNodeFactory.instance.objectNode().put("url", PostgresFixture.url(pg, "faucet_test"))
                .put("user", "postgres").put("table", "accounts").put("mode", "upsert");
        s.putArray("key").add("id");
        try (PostgresSink sink = new PostgresSink(new ConnectorConfig("postgres", s))) {
            sink.open(new SinkContext("p", "s", "q", 0, Guarantee.EXACTLY_ONCE, new ConnectorConfig("postgres", s)));
            sink.write(new SinkBatch("p:in:0:0/3", 0, List.of(
                    record(0, "{\"id\":\"a\",\"customerId\":\"by-case\",\"customerid\":\"exact\",\"payload\":"
                            + "{\"k\":[1,2]},\"extra\":{\"ignored\":true},\"amount\":12.50}"),
                    record(1, "{\"id\":\"b\",\"customerId\":\"X\",\"note\":null}"),
                    record(2, "{\"id\":\"b\",\"customerId\":\"Y\",\"note\":\"second\"}")), 3));
        }
        try (Connection c = pg.getDatabase("postgres", "faucet_test").getConnection(); Statement st =
                c.createStatement(); ResultSet rs = st.executeQuery("SELECT id, customerid, note, payload::text,"
                + " amount FROM accounts ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).as("the exact name wins over a case-insensitive one").isEqualTo("exact");
            assertThat(rs.getString(3)).as("an absent field leaves the column's default").isEqualTo("none");
            assertThat(rs.getString(4)).isEqualTo("{\"k\": [1, 2]}");
            assertThat(rs.getBigDecimal(5)).isEqualByComparingTo("12.50");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).as("the last record of a key in a batch wins").isEqualTo("Y");
            assertThat(rs.getString(3)).isEqualTo("second");
            assertThat(rs.next()).isFalse();
        }
    }
}

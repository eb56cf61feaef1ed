package dev.faucet.connect.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.Lookup;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * Runs the step's query with the key as its one parameter and answers its first row as a JSON object of its columns
 * (by label): numbers as numbers, booleans, {@code json}/{@code jsonb} as JSON, times as RFC 3339 text, the rest as
 * text. The key is sent untyped, so {@code where id = ?} works for a text or a numeric {@code id}. Connects on the
 * first lookup, through a pool of two connections (lookups only happen on cache misses and refreshes).
 */
final class JdbcLookup implements Lookup {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConnectorConfig config;
    private volatile HikariDataSource pool;

    JdbcLookup(ConnectorConfig config) {
        this.config = config;
    }

    @Override
    public JsonNode get(String key) throws LookupException {
        try (Connection c = pool().getConnection(); PreparedStatement ps = c.prepareStatement(config.raw("query"))) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            boolean retryable = state.isEmpty() || state.startsWith("08") || state.startsWith("53")
                    || state.startsWith("57") || state.startsWith("40");
            throw new LookupException("the lookup of '" + key + "' failed: " + String.valueOf(e.getMessage())
                    .replaceAll("\\s*\\n\\s*", "; "), retryable, e);
        }
    }

    private static ObjectNode row(ResultSet rs) throws SQLException {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String name = md.getColumnLabel(i);
            if (rs.getObject(i) == null) {
                o.putNull(name);
                continue;
            }
            switch (md.getColumnType(i)) {
                case Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.TINYINT -> o.put(name, rs.getLong(i));
                case Types.NUMERIC, Types.DECIMAL -> o.put(name, rs.getBigDecimal(i));
                case Types.REAL, Types.FLOAT, Types.DOUBLE -> o.put(name, rs.getDouble(i));
                case Types.BOOLEAN, Types.BIT -> o.put(name, rs.getBoolean(i));
                case Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP -> o.put(name, rs.getObject(i,
                        OffsetDateTime.class).toString());
                default -> o.set(name, text(md.getColumnTypeName(i), rs.getString(i)));
            }
        }
        return o;
    }

    private static JsonNode text(String typeName, String value) {
        String t = typeName.toLowerCase(Locale.ROOT);
        if (t.equals("json") || t.equals("jsonb")) {
            try {
                return JSON.readTree(value);
            } catch (IOException e) {
                return JsonNodeFactory.instance.textNode(value);
            }
        }
        return JsonNodeFactory.instance.textNode(value);
    }

    private HikariDataSource pool() throws LookupException {
        HikariDataSource p = pool;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (pool == null) {
                pool = connect();
            }
            return pool;
        }
    }

    private HikariDataSource connect() throws LookupException {
        HikariConfig hc = new HikariConfig();
        try {
            hc.setJdbcUrl(config.text("url"));
            if (config.has("user")) {
                hc.setUsername(config.text("user"));
            }
            if (config.has("password")) {
                hc.setPassword(config.text("password"));
            }
        } catch (IllegalStateException e) {
            throw new LookupException(e.getMessage(), true, null);
        }
        hc.setPoolName("faucet-lookup");
        hc.setMaximumPoolSize(2);
        hc.setMinimumIdle(0);
        hc.setConnectionTimeout(5_000);
        hc.setInitializationFailTimeout(-1); // connect on first use; a database down now may be up later
        hc.addDataSourceProperty("stringtype", "unspecified");
        hc.addDataSourceProperty("ApplicationName", "faucet lookup");
        return new HikariDataSource(hc);
    }

    @Override
    public void close() {
        HikariDataSource p = pool;
        if (p != null) {
            p.close();
        }
    }
}

package dev.faucet.connect.postgres;

import dev.faucet.engine.Guarantee;
import dev.faucet.engine.Sink;
import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.SinkProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code postgres} sink: rows in a PostgreSQL table, written in transactions that also store the position
 * ({@code faucet_sink_offsets}), so any guarantee holds across crashes.
 */
public final class PostgresSinkProvider implements SinkProvider {
    /** A table or column name as written unquoted: PostgreSQL folds it to lower case. */
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    @Override
    public String type() {
        return "postgres";
    }

    @Override
    public List<ConnectorConfig.Problem> check(ConnectorConfig config, Guarantee guarantee) {
        List<ConnectorConfig.Problem> problems = new ArrayList<>();
        String url = config.raw("url");
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            problems.add(problem("url", "'" + url + "' is not a PostgreSQL JDBC URL: write"
                    + " jdbc:postgresql://host:port/database"));
        }
        String table = config.raw("table");
        if (table == null || !qualified(table)) {
            problems.add(problem("table", "'" + table + "' is not a table name: write name or schema.name, each"
                    + " a letter or _ then letters, digits or _ (at most 63)"));
        }
        List<String> key = config.list("key");
        if ("upsert".equals(config.raw("mode")) && key.isEmpty()) {
            problems.add(problem("key", "mode upsert needs 'key': the columns that identify a row"));
        }
        for (String k : key) {
            if (!IDENTIFIER.matcher(k).matches()) {
                problems.add(problem("key", "'" + k + "' is not a column name"));
            }
        }
        Map<String, String> columns = config.map("createTable");
        for (String c : columns.keySet()) {
            if (!IDENTIFIER.matcher(c).matches()) {
                problems.add(problem("createTable." + c, "'" + c + "' is not a column name"));
            }
        }
        if (!columns.isEmpty()) {
            for (String k : key) {
                if (columns.keySet().stream().noneMatch(c -> c.equalsIgnoreCase(k))) {
                    problems.add(problem("createTable", "the key column '" + k + "' is not among the columns"));
                }
            }
        }
        problems.addAll(config.unsetVariables("url", "user", "password"));
        return problems;
    }

    private static boolean qualified(String table) {
        String[] parts = table.split("\\.", -1);
        if (parts.length > 2) {
            return false;
        }
        for (String p : parts) {
            if (!IDENTIFIER.matcher(p).matches()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Sink create(ConnectorConfig config) {
        return new PostgresSink(config);
    }

    private static ConnectorConfig.Problem problem(String setting, String message) {
        return new ConnectorConfig.Problem(setting, message);
    }
}

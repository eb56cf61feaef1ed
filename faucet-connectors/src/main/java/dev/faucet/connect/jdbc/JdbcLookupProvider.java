package dev.faucet.connect.jdbc;

import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.Lookup;
import dev.faucet.engine.LookupProvider;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The {@code jdbc} lookup of an enrich step: one row per key from a database query. */
public final class JdbcLookupProvider implements LookupProvider {

    @Override
    public String type() {
        return "jdbc";
    }

    @Override
    public List<ConnectorConfig.Problem> check(ConnectorConfig config) {
        List<ConnectorConfig.Problem> problems = new ArrayList<>();
        String url = config.raw("url");
        if (url == null || !url.startsWith("jdbc:")) {
            problems.add(problem("url", "'" + url + "' is not a JDBC URL: write"
                    + " jdbc:postgresql://host:port/database"));
        } else if (config.missingVariables("url").isEmpty()) {
            try {
                DriverManager.getDriver(config.text("url"));
            } catch (SQLException e) {
                String[] parts = url.split(":", 3);
                problems.add(problem("url", "no JDBC driver for 'jdbc:" + parts[1]
                        + ":' is installed (this server has PostgreSQL's)"));
            }
        }
        String query = config.raw("query");
        long params = query == null ? 0 : query.chars().filter(c -> c == '?').count();
        if (params != 1) {
            problems.add(problem("query", "the query needs exactly one ?, which takes the key"
                    + " (found " + params + "): select tier, taxRate from customers where id = ?"));
        }
        problems.addAll(config.unsetVariables("url", "user", "password"));
        return problems;
    }

    @Override
    public Lookup create(ConnectorConfig config) {
        return new JdbcLookup(config);
    }

    private static ConnectorConfig.Problem problem(String setting, String message) {
        return new ConnectorConfig.Problem(setting, message);
    }
}

package dev.faucet.connect.postgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.faucet.engine.SinkException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The target table as the sink sees it: its writable columns (generated ones left out), which of them have a
 * default, and the statement for each set of defaulted columns a row gives (usually one).
 */
final class TableShape {
    private final String name;
    private final List<String> columns;
    private final boolean[] defaulted;
    private final List<String> key;
    private final boolean upsert;
    private final Map<Long, String> statements = new HashMap<>();
    private final Map<String, Integer> byName = new HashMap<>();
    private final Map<String, Integer> byLowerName = new HashMap<>();
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind
            .ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private TableShape(String name, List<String> columns, boolean[] defaulted, List<String> key, boolean upsert) {
        this.name = name;
        this.columns = columns;
        this.defaulted = defaulted;
        this.key = key;
        this.upsert = upsert;
        for (int i = 0; i < columns.size(); i++) {
            byName.put(columns.get(i), i);
            byLowerName.putIfAbsent(columns.get(i).toLowerCase(Locale.ROOT), i);
        }
    }

    String name() {
        return name;
    }

    /** A record ready to write: its index in the batch, its queue offset, its text per column (null: absent). */
    record Row(int index, long offset, String[] values, long mask) {
    }

    static TableShape read(Connection c, String table, List<String> key, boolean upsert) throws SQLException,
            dev.faucet.engine.SinkException {
        String schema = null;
        String bare = table;
        int dot = table.indexOf('.');
        if (dot > 0) {
            schema = table.substring(0, dot).toLowerCase(Locale.ROOT);
            bare = table.substring(dot + 1);
        }
        List<String> columns = new ArrayList<>();
        List<Boolean> defaults = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, (column_default IS NOT NULL OR"
                + " is_identity = 'YES') FROM information_schema.columns WHERE table_schema = COALESCE(?,"
                + " current_schema()) AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position")) {
            ps.setString(1, schema);
            ps.setString(2, bare.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    defaults.add(rs.getBoolean(2));
                }
            }
        }
        if (columns.isEmpty()) {
            throw SinkException.retryable("sink-table-missing", "the table '" + table + "' does not exist in the"
                    + " database (or has no columns this user can see); create it, or set createTable", null);
        }
        List<String> keys = new ArrayList<>();
        for (String k : key) {
            String col = columns.stream().filter(x -> x.equalsIgnoreCase(k)).findFirst().orElse(null);
            if (col == null) {
                throw SinkException.retryable("sink-misconfigured", "the key column '" + k + "' is not a column of"
                        + " table '" + table + "' (its columns: " + String.join(", ", columns) + ")", null);
            }
            keys.add(col);
        }
        boolean[] d = new boolean[defaults.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = defaults.get(i) && !keys.contains(columns.get(i));
        }
        return new TableShape(table, columns, d, keys, upsert);
    }

    /** The text of a JSON null: written as SQL NULL (an absent field leaves a defaulted column to its default). */
    static final String NULL = new String("null");

    /** The value is JSON but not an object: it has no fields to make a row of. */
    static final class NotAnObject extends Exception {
        private static final long serialVersionUID = 1L;

        NotAnObject(String what) {
            super("a row is made from a JSON object's fields; the value is " + what);
        }
    }

    /**
     * The row of a record, read straight from its JSON (no tree): each top-level field whose name is a column's
     * (exactly, or ignoring case when no field has the exact name) gives its text; nested objects and lists their
     * JSON; other fields are skipped.
     */
    Row row(int index, long offset, byte[] json) throws java.io.IOException, NotAnObject {
        String[] values = new String[columns.size()];
        boolean[] exact = new boolean[columns.size()];
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new NotAnObject(first == null ? "empty" : first.isScalarValue() ? "a scalar" : "a list");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                Integer at = byName.get(name);
                boolean isExact = at != null;
                if (at == null) {
                    at = byLowerName.get(name.toLowerCase(Locale.ROOT));
                }
                if (at == null || (!isExact && exact[at])) {
                    p.skipChildren();
                    continue;
                }
                exact[at] |= isExact;
                values[at] = t == JsonToken.VALUE_NULL ? NULL : t.isStructStart() ? MAPPER.readTree(p).toString()
                        : p.getText();
            }
        }
        long mask = 0;
        for (int i = 0; i < values.length; i++) {
            if (defaulted[i] && values[i] != null) {
                mask |= 1L << Math.min(i, 63);
            }
        }
        return new Row(index, offset, values, mask);
    }

    /**
     * Writes rows in order, batched while they take the same statement. An upsert keeps the last row of a key in a
     * run (one multi-row statement may not update a row twice).
     */
    void write(Connection c, List<Row> rows) throws SQLException {
        int from = 0;
        while (from < rows.size()) {
            long mask = rows.get(from).mask();
            int to = from;
            while (to < rows.size() && rows.get(to).mask() == mask) {
                to++;
            }
            List<Row> run = upsert ? lastPerKey(rows.subList(from, to)) : rows.subList(from, to);
            try (PreparedStatement ps = c.prepareStatement(statements.computeIfAbsent(mask, this::statement))) {
                for (Row r : run) {
                    int p = 1;
                    for (int i = 0; i < columns.size(); i++) {
                        if (!defaulted[i] || (mask & (1L << Math.min(i, 63))) != 0) {
                            bind(ps, p++, r.values()[i]);
                        }
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            from = to;
        }
    }

    private List<Row> lastPerKey(List<Row> run) {
        Map<String, Row> last = new LinkedHashMap<>();
        List<Integer> keyAt = new ArrayList<>();
        for (String k : key) {
            keyAt.add(columns.indexOf(k));
        }
        for (Row r : run) {
            StringBuilder id = new StringBuilder();
            for (int i : keyAt) {
                id.append(r.values()[i]).append('\u0000');
            }
            last.remove(id.toString());
            last.put(id.toString(), r);
        }
        return new ArrayList<>(last.values());
    }

    private String statement(long mask) {
        StringJoiner cols = new StringJoiner(", ");
        StringJoiner params = new StringJoiner(", ");
        StringJoiner updates = new StringJoiner(", ");
        for (int i = 0; i < columns.size(); i++) {
            if (!defaulted[i] || (mask & (1L << Math.min(i, 63))) != 0) {
                String q = quote(columns.get(i));
                cols.add(q);
                params.add("?");
                if (!key.contains(columns.get(i))) {
                    updates.add(q + " = EXCLUDED." + q);
                }
            }
        }
        String sql = "INSERT INTO " + name + " (" + cols + ") VALUES (" + params + ")";
        if (upsert) {
            StringJoiner k = new StringJoiner(", ");
            key.forEach(x -> k.add(quote(x)));
            sql += " ON CONFLICT (" + k + ") DO " + (updates.length() == 0 ? "NOTHING" : "UPDATE SET " + updates);
        }
        return sql;
    }

    private static String quote(String column) {
        return "\"" + column.replace("\"", "\"\"") + "\"";
    }

    /** Text for PostgreSQL to convert to the column's type (the connection sends strings untyped). */
    private static void bind(PreparedStatement ps, int p, String v) throws SQLException {
        if (v == null || v == NULL) {
            ps.setNull(p, Types.VARCHAR);
        } else {
            ps.setString(p, v);
        }
    }
}

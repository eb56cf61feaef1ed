package dev.faucet.connect.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.faucet.engine.Sink;
import dev.faucet.engine.SinkBatch;
import dev.faucet.engine.ConnectorConfig;
import dev.faucet.engine.SinkContext;
import dev.faucet.engine.SinkException;
import dev.faucet.engine.SinkRecord;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes records as rows of one PostgreSQL table: each column takes the record's top-level field of the same name
 * (exactly, or ignoring case: PostgreSQL folds unquoted names to lower case); fields without a column are ignored; a
 * column with a default is left to it when the record lacks the field. {@code insert} adds rows; {@code upsert}
 * inserts or updates by the key columns.
 *
 * <p>Every batch is one transaction that also stores the position after it in {@code faucet_sink_offsets(pipeline,
 * sink, topic, partition, offset)}, under a row lock taken first: rows before the stored position are skipped, so a
 * batch delivered again (after a crash, or by a task that was replaced while it wrote) is never written twice.
 *
 * <p>Values are sent as text and PostgreSQL converts them to the column's type ({@code stringtype=unspecified}), so
 * a JSON number fits an integer or numeric column, RFC 3339 text a timestamptz, an object or list a json/jsonb
 * column. A row PostgreSQL refuses (a value of the wrong type, a constraint) is named in the failure as rejected and
 * goes to the dead letters; the rest of the batch is written on the next attempt.
 */
final class PostgresSink implements Sink {
    static final String OFFSETS = "faucet_sink_offsets";

    private final ConnectorConfig config;
    private HikariDataSource pool;
    private SinkContext ctx;
    private TableShape table;

    PostgresSink(ConnectorConfig config) {
        this.config = config;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TRANSACTIONAL, Capability.IDEMPOTENT);
    }

    @Override
    public Map<Integer, Long> open(SinkContext context) throws SinkException {
        this.ctx = context;
        if (pool == null) {
            pool = connect(context);
        }
        try (Connection c = pool.getConnection()) {
            Ddl.offsetsTable(c);
            Map<String, String> create = config.map("createTable");
            if (!create.isEmpty()) {
                Ddl.createTable(c, config.raw("table"), create, config.list("key"));
            }
            table = TableShape.read(c, config.raw("table"), config.list("key"), "upsert".equals(config.raw("mode")));
            long stored = Ddl.ensureOffsetRow(c, context);
            return stored < 0 ? Map.of() : Map.of(context.partition(), stored);
        } catch (SQLException e) {
            throw SqlErrors.batch("opening the sink on " + safeUrl(), e);
        }
    }

    private HikariDataSource connect(SinkContext context) throws SinkException {
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
            throw SinkException.retryable("sink-misconfigured", e.getMessage(), null);
        }
        hc.setPoolName("faucet-" + context.pipeline() + "-" + context.sink() + "-" + context.partition());
        hc.setMaximumPoolSize(1);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(10_000);
        hc.setInitializationFailTimeout(1);
        hc.addDataSourceProperty("reWriteBatchedInserts", "true");
        hc.addDataSourceProperty("stringtype", "unspecified");
        hc.addDataSourceProperty("ApplicationName", "faucet " + context.pipeline() + "/" + context.sink());
        try {
            return new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw SinkException.retryable("sink-unavailable", "cannot connect to " + safeUrl() + ": "
                    + SqlErrors.rootMessage(e), e);
        }
    }

    @Override
    public void restart(int partition, long position) throws SinkException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE " + OFFSETS
                + " SET \"offset\" = ?, updated_at = now() WHERE pipeline = ? AND sink = ? AND topic = ? AND"
                + " \"partition\" = ?")) {
            ps.setLong(1, position);
            bindKey(ps, 2);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.batch("resetting the stored position on " + safeUrl(), e);
        }
    }

    /** The URL without its query, which may hold a password. */
    private String safeUrl() {
        String url = config.raw("url");
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    @Override
    public void write(SinkBatch batch) throws SinkException {
        Map<Integer, SinkException> rejected = new LinkedHashMap<>();
        List<TableShape.Row> rows = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            SinkRecord r = batch.records().get(i);
            try {
                rows.add(table.row(i, r.offset(), r.value()));
            } catch (TableShape.NotAnObject e) {
                rejected.put(i, SinkException.rejected("not-an-object", e.getMessage(), null));
            } catch (IOException e) {
                rejected.put(i, SinkException.rejected("not-json", "the value is not JSON", e));
            }
        }
        if (!rejected.isEmpty()) {
            throw notWritten(rejected, rows, "the batch had records that cannot be rows");
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                transaction(c, rows, batch.next());
            } catch (SQLException e) {
                c.rollback();
                if (!SqlErrors.isData(e)) {
                    throw SqlErrors.batch("writing to " + table.name(), e);
                }
                Map<Integer, SinkException> culprits = culprits(c, rows);
                c.rollback();
                if (culprits.isEmpty()) {
                    throw SqlErrors.batch("writing to " + table.name(), e);
                }
                throw notWritten(culprits, rows, "the batch had rows that PostgreSQL refused");
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw SqlErrors.batch("writing to " + table.name(), e);
        }
    }

    /** One transaction: lock the position, write the rows after it, store the position after the batch. */
    private void transaction(Connection c, List<TableShape.Row> rows, long next) throws SQLException {
        long stored = lockOffset(c);
        List<TableShape.Row> fresh = new ArrayList<>(rows.size());
        for (TableShape.Row r : rows) {
            if (r.offset() >= stored) {
                fresh.add(r);
            }
        }
        table.write(c, fresh);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + OFFSETS + " SET \"offset\" = ?, updated_at ="
                + " now() WHERE pipeline = ? AND sink = ? AND topic = ? AND \"partition\" = ?")) {
            ps.setLong(1, Math.max(next, stored));
            bindKey(ps, 2);
            ps.executeUpdate();
        }
        c.commit();
    }

    private long lockOffset(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT \"offset\" FROM " + OFFSETS + " WHERE pipeline = ? AND"
                + " sink = ? AND topic = ? AND \"partition\" = ? FOR UPDATE")) {
            bindKey(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        // The row was removed behind our back: put it back (a concurrent writer then conflicts and retries).
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + OFFSETS + " (pipeline, sink, topic,"
                + " \"partition\", \"offset\") VALUES (?, ?, ?, ?, -1)")) {
            bindKey(ps, 1);
            ps.executeUpdate();
        }
        return -1;
    }

    private void bindKey(PreparedStatement ps, int from) throws SQLException {
        Ddl.bindKey(ps, from, ctx);
    }

    /** Which rows PostgreSQL refuses, tried one by one under savepoints (the transaction is then rolled back). */
    private Map<Integer, SinkException> culprits(Connection c, List<TableShape.Row> rows) throws SQLException {
        Map<Integer, SinkException> out = new LinkedHashMap<>();
        for (TableShape.Row r : rows) {
            Savepoint sp = c.setSavepoint();
            try {
                table.write(c, List.of(r));
                c.releaseSavepoint(sp);
            } catch (SQLException e) {
                c.rollback(sp);
                if (!SqlErrors.isData(e)) {
                    throw e;
                }
                out.put(r.index(), SinkException.rejected("sink-rejected", "PostgreSQL refused the row for table "
                        + table.name() + ": " + SqlErrors.message(e), null));
            }
        }
        return out;
    }

    /** The rejected records, and every other record of the batch as not written yet (retried at once). */
    private static SinkException notWritten(Map<Integer, SinkException> rejected, List<TableShape.Row> rows,
            String why) {
        Map<Integer, SinkException> all = new LinkedHashMap<>(rejected);
        for (TableShape.Row r : rows) {
            all.putIfAbsent(r.index(), SinkException.retryable("not-written", "not written: " + why, null));
        }
        return SinkException.partly(all);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }
}

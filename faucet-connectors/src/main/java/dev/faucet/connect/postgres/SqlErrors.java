package dev.faucet.connect.postgres;

import dev.faucet.engine.SinkException;
import java.sql.SQLException;

/** How PostgreSQL's errors read to Faucet: a row's data at fault, or the database (retried until it passes). */
final class SqlErrors {
    private SqlErrors() {
    }

    /**
     * Class 22 (data exception: a value of the wrong type, out of range) and 23 (integrity constraint: not null,
     * unique, check, foreign key) are about a row; 21 (cardinality) too. Everything else is about the database.
     */
    static boolean isData(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String cls = s.getSQLState().substring(0, 2);
                if (cls.equals("22") || cls.equals("23") || cls.equals("21")) {
                    return true;
                }
            }
            if (t instanceof java.sql.BatchUpdateException b && b.getNextException() != null) {
                return isData(b.getNextException());
            }
        }
        return false;
    }

    /** A failure of the whole batch: retryable (the database may come back, a table may be created). */
    static SinkException batch(String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String type = state.startsWith("08") || state.startsWith("57") || state.startsWith("53") || state.isEmpty()
                ? "sink-unavailable" : "sink-error";
        return SinkException.retryable(type, doing + " failed: " + message(e), e);
    }

    /** PostgreSQL's message on one line, with its detail, at most 500 characters. */
    static String message(SQLException e) {
        SQLException s = e;
        if (e instanceof java.sql.BatchUpdateException b && b.getNextException() != null) {
            s = b.getNextException();
        }
        String m = String.valueOf(s.getMessage()).replaceAll("\\s*\\n\\s*", "; ");
        return m.length() > 500 ? m.substring(0, 500) + "…" : m;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage()).replaceAll("\\s*\\n\\s*", "; ");
    }
}

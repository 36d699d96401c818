package io.paraverse.applier;

import io.paraverse.translator.SourcePosition;

import java.sql.SQLException;
import java.util.List;

/**
 * The applier stopped: a change could not be translated or written. The target transaction was rolled back, so
 * the target and its checkpoint are as of the last good commit; nothing was skipped. The message names the
 * target table, key, journal seq, source binlog position and GTID, and the SQL error.
 */
public class ApplyException extends RuntimeException {
    private final String table;
    private final List<Object> key;
    private final long journalSeq;
    private final transient SourcePosition position;
    private final int sqlErrorCode;
    private final String sqlState;
    private final boolean retryable;

    public ApplyException(String message, String table, List<Object> key, long journalSeq, SourcePosition position,
                          Throwable cause, boolean retryable) {
        this(message, table, key, journalSeq, position, cause, retryable, null);
    }

    /** With a closing sentence for the operator (what to do next), after the cause. */
    ApplyException(String message, String table, List<Object> key, long journalSeq, SourcePosition position,
                   Throwable cause, boolean retryable, String advice) {
        super(compose(message, table, key, journalSeq, position, cause) + (advice == null ? "" : ". " + advice), cause);
        this.table = table;
        this.key = key;
        this.journalSeq = journalSeq;
        this.position = position;
        SQLException sql = sqlCause(cause);
        this.sqlErrorCode = sql == null ? 0 : sql.getErrorCode();
        this.sqlState = sql == null ? null : sql.getSQLState();
        this.retryable = retryable;
    }

    /** Qualified target (or source, for translation errors) table name; null if not tied to a table. */
    public String table() { return table; }

    /** Key values of the failing op (null if unknown). */
    public List<Object> key() { return key; }

    /** Journal seq of the failing change (0 if unknown). */
    public long journalSeq() { return journalSeq; }

    /** Source position of the failing change (null if unknown). */
    public SourcePosition position() { return position; }

    /** The target's SQL error code, 0 if the failure was not an SQL error. */
    public int sqlErrorCode() { return sqlErrorCode; }

    public String sqlState() { return sqlState; }

    /**
     * True for a transient failure that retries did not overcome, or that could not be retried in place: starting
     * the applier again from its checkpoint is expected to succeed.
     */
    public boolean retryable() { return retryable; }

    static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s) {
                return s;
            }
        }
        return null;
    }

    private static String compose(String message, String table, List<Object> key, long seq, SourcePosition pos,
                                  Throwable cause) {
        StringBuilder sb = new StringBuilder(message);
        String sep = ": ";
        if (table != null) {
            sb.append(sep).append("table ").append(table);
            sep = ", ";
        }
        if (key != null) {
            sb.append(sep).append("key ").append(Values.render(key));
            sep = ", ";
        }
        if (seq > 0) {
            sb.append(sep).append("journal seq ").append(seq);
            sep = ", ";
        }
        if (pos != null) {
            sb.append(sep).append("source ").append(pos.binlogFile()).append(':').append(pos.binlogPos())
                    .append(" gtid ").append(pos.gtid());
        }
        SQLException sql = sqlCause(cause);
        if (sql != null) {
            sb.append("; SQL error ").append(sql.getErrorCode()).append(" (").append(sql.getSQLState()).append("): ")
                    .append(sql.getMessage());
        } else if (cause != null) {
            sb.append("; ").append(cause);
        }
        return sb.toString();
    }

    /** The translator whose row this is, when the failure is a translator's (for metrics by translator); else null. */
    public String translator() {
        return null;
    }
}

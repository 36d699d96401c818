package io.paraverse.applier;

import io.paraverse.translator.Commit;
import io.paraverse.translator.SourcePosition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code <schema>.apply_checkpoint} table on the target: one row per pipeline. The row is created (at journal
 * seq 0) before applying starts, and every target transaction moves it with
 * {@code UPDATE ... WHERE pipeline = ? AND journal_seq = <seq this applier last committed>} in the same
 * transaction as its ops: the update also locks the row, and finding it moved means another applier wrote the
 * same pipeline, which stops this one instead of double-applying.
 */
final class CheckpointStore {
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

    private final String pipeline;
    private final String schema;
    private final String table;
    private final String selectSql;
    private final String updateSql;
    /** {@link #ensure} ran (per applier, not per run: DDL once is enough); read from any thread. */
    private volatile boolean ensured;

    CheckpointStore(String schema, String pipeline) {
        this.pipeline = pipeline;
        this.schema = schema;
        this.table = Sql.quote(schema) + ".`apply_checkpoint`";
        this.selectSql = "SELECT journal_seq, gtid, gtid_position, binlog_file, binlog_pos, source_commit_ms,"
                + " applied_at FROM " + table + " WHERE pipeline = ?";
        this.updateSql = "UPDATE " + table + " SET journal_seq = ?, gtid = ?, gtid_position = ?, binlog_file = ?,"
                + " binlog_pos = ?, source_commit_ms = ?, applied_at = UTC_TIMESTAMP(6)"
                + " WHERE pipeline = ? AND journal_seq = ?";
    }

    String tableName() { return table; }

    /** Creates schema, table and this pipeline's row if absent (DDL: run outside an apply transaction). */
    void ensure(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            if (!auto) {
                c.rollback();
                c.setAutoCommit(true);
            }
            st.execute("CREATE DATABASE IF NOT EXISTS " + Sql.quote(schema));
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + " pipeline VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                    + " journal_seq BIGINT NOT NULL,"
                    + " gtid VARCHAR(255) NULL,"
                    + " gtid_position TEXT NULL,"
                    + " binlog_file VARCHAR(512) NULL,"
                    + " binlog_pos BIGINT NOT NULL DEFAULT 0,"
                    + " source_commit_ms BIGINT NOT NULL DEFAULT 0,"
                    + " applied_at DATETIME(6) NULL COMMENT 'UTC',"
                    + " PRIMARY KEY (pipeline)"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Paraverse applier: journal position applied per pipeline'");
            try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO " + table
                    + " (pipeline, journal_seq) VALUES (?, 0)")) {
                ps.setString(1, pipeline);
                ps.executeUpdate();
            }
        } finally {
            if (!auto) {
                c.setAutoCommit(false);
            }
        }
    }

    /** {@link #ensure}, unless it already ran for this store. */
    void ensureOnce(Connection c) throws SQLException {
        if (!ensured) {
            ensure(c);
            ensured = true;
        }
    }

    /** The checkpoint as the connection's transaction sees it (empty if the row is missing). */
    ApplyCheckpoint read(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(selectSql)) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return ApplyCheckpoint.empty(pipeline);
                }
                String applied = rs.getString(7);
                Instant at = applied == null ? null
                        : LocalDateTime.parse(applied.length() > 26 ? applied.substring(0, 26) : applied, DATETIME)
                        .toInstant(ZoneOffset.UTC);
                return new ApplyCheckpoint(pipeline, rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), at);
            }
        }
    }

    /**
     * Moves the checkpoint from {@code expectedSeq} to the commit at {@code seq}, inside the open transaction.
     * Returns false if the row was not at {@code expectedSeq}.
     */
    boolean advance(TargetSession s, long expectedSeq, long seq, Commit commit) throws SQLException {
        return advance(s.prepare(updateSql), expectedSeq, seq, commit);
    }

    /** {@link #advance(TargetSession, long, long, Commit)} on a plain connection (start-up consolidation). */
    boolean advance(Connection c, long expectedSeq, long seq, Commit commit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(updateSql)) {
            return advance(ps, expectedSeq, seq, commit);
        }
    }

    /** Stamps applied_at on a checkpoint row never written (marks it as this attempt's; see WorkerCheckpoints). */
    void touch(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET applied_at = UTC_TIMESTAMP(6)"
                + " WHERE pipeline = ? AND applied_at IS NULL")) {
            ps.setString(1, pipeline);
            ps.executeUpdate();
        }
    }

    private boolean advance(PreparedStatement ps, long expectedSeq, long seq, Commit commit) throws SQLException {
        SourcePosition p = commit.position();
        ps.setLong(1, seq);
        ps.setString(2, p.gtid());
        ps.setString(3, p.gtidPosition());
        ps.setString(4, p.binlogFile());
        ps.setLong(5, p.binlogPos());
        ps.setLong(6, commit.commitTimeMillis());
        ps.setString(7, pipeline);
        ps.setLong(8, expectedSeq);
        return ps.executeUpdate() == 1;
    }
}

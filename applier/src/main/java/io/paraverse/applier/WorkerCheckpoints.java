package io.paraverse.applier;

import io.paraverse.translator.Commit;
import io.paraverse.translator.SourcePosition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code <schema>.apply_worker_checkpoint} table: one row per parallel apply worker, written in the same target
 * transaction as the worker's batch. A row says two things that were true when it was written, and stay true:
 * everything up to {@code low_watermark} (a source commit's journal seq, with that commit's source position) was
 * committed on the target, and so were the journal ranges {@code (from, to]} listed in {@code committed_ranges}
 * (batches this worker committed above that watermark). The union over the pipeline's rows and its
 * {@code apply_checkpoint} row is exactly the set of journal entries the target holds (see {@link ParallelApply}).
 * <p>Rows left by an earlier attempt of the same pipeline (its checkpoint row was deleted and created again, so its
 * {@code applied_at} is NULL) are deleted at start, not trusted.
 */
final class WorkerCheckpoints {
    private final String pipeline;
    private final String schema;
    private final String table;
    private final String upsertSql;
    private volatile boolean ensured;

    /** A worker row as read back. */
    record Row(int worker, long lowWatermark, Commit commit, List<long[]> ranges) { }

    WorkerCheckpoints(String schema, String pipeline) {
        this.pipeline = pipeline;
        this.schema = schema;
        this.table = Sql.quote(schema) + ".`apply_worker_checkpoint`";
        this.upsertSql = "INSERT INTO " + table + " (pipeline, worker, low_watermark, gtid, gtid_position, binlog_file,"
                + " binlog_pos, source_commit_ms, committed_ranges, applied_at) VALUES (?,?,?,?,?,?,?,?,?,UTC_TIMESTAMP(6))"
                + " ON DUPLICATE KEY UPDATE low_watermark = VALUES(low_watermark), gtid = VALUES(gtid),"
                + " gtid_position = VALUES(gtid_position), binlog_file = VALUES(binlog_file),"
                + " binlog_pos = VALUES(binlog_pos), source_commit_ms = VALUES(source_commit_ms),"
                + " committed_ranges = VALUES(committed_ranges), applied_at = VALUES(applied_at)";
    }

    String tableName() { return table; }

    /** Creates the table if absent (DDL: outside apply transactions; the checkpoint schema exists). */
    void ensureOnce(Connection c) throws SQLException {
        if (ensured) {
            return;
        }
        boolean auto = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            if (!auto) {
                c.rollback();
                c.setAutoCommit(true);
            }
            st.execute("CREATE DATABASE IF NOT EXISTS " + Sql.quote(schema));
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + " pipeline VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                    + " worker INT NOT NULL,"
                    + " low_watermark BIGINT NOT NULL,"
                    + " gtid VARCHAR(255) NULL,"
                    + " gtid_position TEXT NULL,"
                    + " binlog_file VARCHAR(512) NULL,"
                    + " binlog_pos BIGINT NOT NULL DEFAULT 0,"
                    + " source_commit_ms BIGINT NOT NULL DEFAULT 0,"
                    + " committed_ranges TEXT NOT NULL COMMENT 'journal seq ranges from-to (from exclusive), comma-separated',"
                    + " applied_at DATETIME(6) NULL COMMENT 'UTC',"
                    + " PRIMARY KEY (pipeline, worker)"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
                    + " COMMENT='Paraverse parallel applier: what each worker committed above the low watermark'");
        } finally {
            if (!auto) {
                c.setAutoCommit(false);
            }
        }
        ensured = true;
    }

    /** The pipeline's worker rows; none if the table does not exist (never ran in parallel). */
    List<Row> read(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        if (!exists(c)) {
            return rows; // asked first: the driver logs a warning for every statement on a missing table
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT worker, low_watermark, gtid, gtid_position, binlog_file,"
                + " binlog_pos, source_commit_ms, committed_ranges FROM " + table + " WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String file = rs.getString(5);
                    Commit commit = file == null ? null : new Commit(
                            new SourcePosition(rs.getString(3), rs.getString(4), file, rs.getLong(6)), rs.getLong(7));
                    rows.add(new Row(rs.getInt(1), rs.getLong(2), commit, parseRanges(rs.getString(8))));
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146) {
                return rows;
            }
            throw e;
        }
        return rows;
    }

    private boolean exists(Connection c) throws SQLException {
        if (ensured) {
            return true;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'apply_worker_checkpoint'")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Deletes the pipeline's worker rows (stale, or folded into the checkpoint row), inside the open transaction. */
    void deleteAll(Connection c) throws SQLException {
        if (!exists(c)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() != 1146) {
                throw e;
            }
        }
    }

    /** Writes a worker's row inside its open batch transaction. */
    void write(TargetSession s, int worker, long lowWatermark, Commit commit, List<long[]> ranges) throws SQLException {
        bind(s.prepare(upsertSql), worker, lowWatermark, commit, ranges).executeUpdate();
    }

    /** Writes a row inside the open transaction of {@code c} (start-up consolidation). */
    void write(Connection c, int worker, long lowWatermark, Commit commit, List<long[]> ranges) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(upsertSql)) {
            bind(ps, worker, lowWatermark, commit, ranges).executeUpdate();
        }
    }

    private PreparedStatement bind(PreparedStatement ps, int worker, long lowWatermark, Commit commit, List<long[]> ranges)
            throws SQLException {
        SourcePosition p = commit == null ? null : commit.position();
        ps.setString(1, pipeline);
        ps.setInt(2, worker);
        ps.setLong(3, lowWatermark);
        ps.setString(4, p == null ? null : p.gtid());
        ps.setString(5, p == null ? null : p.gtidPosition());
        ps.setString(6, p == null ? null : p.binlogFile());
        ps.setLong(7, p == null ? 0 : p.binlogPos());
        ps.setLong(8, commit == null ? 0 : commit.commitTimeMillis());
        ps.setString(9, formatRanges(ranges));
        return ps;
    }

    static String formatRanges(List<long[]> ranges) {
        StringBuilder sb = new StringBuilder();
        for (long[] r : ranges) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(r[0]).append('-').append(r[1]);
        }
        return sb.toString();
    }

    static List<long[]> parseRanges(String s) {
        List<long[]> out = new ArrayList<>();
        if (s == null || s.isBlank()) {
            return out;
        }
        for (String part : s.split(",")) {
            int dash = part.indexOf('-');
            out.add(new long[] {Long.parseLong(part.substring(0, dash).trim()), Long.parseLong(part.substring(dash + 1).trim())});
        }
        return out;
    }
}

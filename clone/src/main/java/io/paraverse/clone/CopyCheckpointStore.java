package io.paraverse.clone;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resumable copy's progress, kept on the target next to the data: {@code paraverse.copy_run} (one row per
 * pipeline: where capture started and the phase) and {@code paraverse.copy_progress} (one row per table). A chunk's
 * rows and its progress row are written in one target transaction, so after a crash the progress never claims rows
 * that are not there, and rows past it are simply copied again (upserts).
 */
public final class CopyCheckpointStore {
    /** Phases of a resumable copy, in order. */
    public enum Phase { SCHEMA, COPYING, COPIED }

    /** The run: its phase and the source GTID position where capture started (before any chunk was read). */
    public record Run(String pipeline, Phase phase, String captureStartGtid) { }

    private final String pipeline;

    public CopyCheckpointStore(String pipeline) {
        if (pipeline == null || pipeline.isBlank() || pipeline.length() > 64) {
            throw new IllegalArgumentException("pipeline name must be 1-64 characters");
        }
        this.pipeline = pipeline;
    }

    public String pipeline() {
        return pipeline;
    }

    public void createTables(Connection target) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS paraverse");
            st.execute("CREATE TABLE IF NOT EXISTS paraverse.copy_run (pipeline VARCHAR(64) NOT NULL PRIMARY KEY,"
                    + " phase VARCHAR(16) NOT NULL, capture_start_gtid TEXT NULL,"
                    + " updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)) ENGINE=InnoDB");
            st.execute("CREATE TABLE IF NOT EXISTS paraverse.copy_progress (pipeline VARCHAR(64) NOT NULL,"
                    + " table_schema VARCHAR(64) NOT NULL, table_name VARCHAR(64) NOT NULL, last_key MEDIUMTEXT NULL,"
                    + " rows_copied BIGINT NOT NULL DEFAULT 0, done BOOLEAN NOT NULL DEFAULT FALSE,"
                    + " updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),"
                    + " PRIMARY KEY (pipeline, table_schema, table_name)) ENGINE=InnoDB");
        }
    }

    public Optional<Run> run(Connection target) throws SQLException {
        if (!tableExists(target)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = target.prepareStatement("SELECT phase, capture_start_gtid FROM paraverse.copy_run WHERE pipeline=?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Run(pipeline, Phase.valueOf(rs.getString(1)), rs.getString(2))) : Optional.empty();
            }
        }
    }

    public void setPhase(Connection target, Phase phase, String captureStartGtid) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT INTO paraverse.copy_run (pipeline, phase, capture_start_gtid)"
                + " VALUES (?,?,?) ON DUPLICATE KEY UPDATE phase=VALUES(phase),"
                + " capture_start_gtid=COALESCE(VALUES(capture_start_gtid), capture_start_gtid)")) {
            ps.setString(1, pipeline);
            ps.setString(2, phase.name());
            ps.setString(3, captureStartGtid);
            ps.executeUpdate();
        }
    }

    /** Registers the tables to copy (keeping the progress of those already registered). */
    public void register(Connection target, List<TableRef> tables) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("INSERT IGNORE INTO paraverse.copy_progress"
                + " (pipeline, table_schema, table_name) VALUES (?,?,?)")) {
            for (TableRef t : tables) {
                ps.setString(1, pipeline);
                ps.setString(2, t.schema());
                ps.setString(3, t.table());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Every registered table's progress, in registration order of the primary key. */
    public Map<TableRef, CopyCheckpoint> load(Connection target) throws SQLException {
        Map<TableRef, CopyCheckpoint> out = new LinkedHashMap<>();
        if (!tableExists(target)) {
            return out;
        }
        try (PreparedStatement ps = target.prepareStatement("SELECT table_schema, table_name, last_key, rows_copied, done"
                + " FROM paraverse.copy_progress WHERE pipeline=? ORDER BY table_schema, table_name")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableRef t = new TableRef(rs.getString(1), rs.getString(2));
                    out.put(t, new CopyCheckpoint(t, CopyCheckpoint.decodeKey(rs.getString(3)), rs.getLong(4), rs.getBoolean(5)));
                }
            }
        }
        return out;
    }

    /** Records a chunk's progress; call inside the transaction that wrote the chunk's rows. */
    void save(Connection target, CopyCheckpoint cp) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("UPDATE paraverse.copy_progress SET last_key=?, rows_copied=?, done=?"
                + " WHERE pipeline=? AND table_schema=? AND table_name=?")) {
            ps.setString(1, CopyCheckpoint.encodeKey(cp.lastKey()));
            ps.setLong(2, cp.rowsCopied());
            ps.setBoolean(3, cp.done());
            ps.setString(4, pipeline);
            ps.setString(5, cp.table().schema());
            ps.setString(6, cp.table().table());
            if (ps.executeUpdate() != 1) {
                throw new CloneException("copy progress row for " + cp.table() + " (pipeline " + pipeline
                        + ") is missing on the target: was paraverse.copy_progress changed by hand?");
            }
        }
    }

    /** Keeps the triggers and events to create at cutover (replacing any kept before for this pipeline). */
    public void saveDeferred(Connection target, List<DeferredObject> objects) throws SQLException {
        try (Statement st = target.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS paraverse.deferred_object (pipeline VARCHAR(64) NOT NULL, kind VARCHAR(16) NOT NULL,"
                    + " object_schema VARCHAR(64) NOT NULL, object_name VARCHAR(64) NOT NULL, sql_mode TEXT NOT NULL, time_zone VARCHAR(64) NULL,"
                    + " ddl MEDIUMTEXT NOT NULL, PRIMARY KEY (pipeline, kind, object_schema, object_name)) ENGINE=InnoDB");
        }
        try (PreparedStatement del = target.prepareStatement("DELETE FROM paraverse.deferred_object WHERE pipeline=?");
             PreparedStatement ins = target.prepareStatement("INSERT INTO paraverse.deferred_object"
                     + " (pipeline, kind, object_schema, object_name, sql_mode, time_zone, ddl) VALUES (?,?,?,?,?,?,?)")) {
            del.setString(1, pipeline);
            del.executeUpdate();
            for (DeferredObject o : objects) {
                ins.setString(1, pipeline);
                ins.setString(2, o.kind());
                ins.setString(3, o.schema());
                ins.setString(4, o.name());
                ins.setString(5, o.sqlMode());
                ins.setString(6, o.timeZone());
                ins.setString(7, o.ddl());
                ins.executeUpdate();
            }
        }
    }

    /** The triggers and events kept by {@link #saveDeferred} (empty if none). */
    public List<DeferredObject> deferred(Connection target) throws SQLException {
        List<DeferredObject> out = new ArrayList<>();
        try (PreparedStatement ps = target.prepareStatement("SELECT kind, object_schema, object_name, sql_mode, time_zone, ddl"
                + " FROM paraverse.deferred_object WHERE pipeline=? ORDER BY kind, object_schema, object_name")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DeferredObject(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6)));
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != 1146) { // no table: nothing deferred
                throw e;
            }
        }
        return out;
    }

    /** Forgets this pipeline's copy (a fresh clone with overwrite starts from nothing). */
    public void reset(Connection target) throws SQLException {
        if (!tableExists(target)) {
            return;
        }
        try (PreparedStatement a = target.prepareStatement("DELETE FROM paraverse.copy_progress WHERE pipeline=?");
             PreparedStatement b = target.prepareStatement("DELETE FROM paraverse.copy_run WHERE pipeline=?")) {
            a.setString(1, pipeline);
            a.executeUpdate();
            b.setString(1, pipeline);
            b.executeUpdate();
        }
    }

    private static boolean tableExists(Connection c) throws SQLException {
        List<String> found = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT TABLE_NAME FROM information_schema.TABLES"
                + " WHERE TABLE_SCHEMA='paraverse' AND TABLE_NAME IN ('copy_run','copy_progress')")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found.size() == 2;
    }
}

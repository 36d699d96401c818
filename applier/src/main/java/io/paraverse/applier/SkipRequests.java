package io.paraverse.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The operator's audited skips: {@code <schema>.skip_request(pipeline, gtid, reason, requested_by, requested_at)}
 * asks the applier to apply none of the rows of one source transaction; when it does, it records
 * {@code <schema>.skip_audit(pipeline, gtid, binlog_file, binlog_pos, source_tables, rows_skipped, reason,
 * requested_by, skipped_at)} in the target transaction that moves the checkpoint past it. Nothing is skipped
 * without a request.
 */
public final class SkipRequests {
    private static final Pattern GTID = Pattern.compile("\\d{1,10}-\\d{1,10}-\\d{1,20}");

    /** One request. */
    public record Request(String gtid, String reason, String requestedBy) { }

    /** One skipped transaction, as audited. */
    record Audit(long commitSeq, String gtid, String binlogFile, long binlogPos, String sourceTables, long rowsSkipped,
                 String reason, String requestedBy) { }

    private final String schema;
    private final String pipeline;
    private volatile boolean ensured;

    SkipRequests(String schema, String pipeline) {
        this.schema = schema;
        this.pipeline = pipeline;
    }

    private static String requestTable(String schema) { return Sql.quote(schema) + ".`skip_request`"; }

    private static String auditTable(String schema) { return Sql.quote(schema) + ".`skip_audit`"; }

    /** Creates the tables if absent (DDL: run outside an apply transaction), once per store. */
    void ensureOnce(Connection c) throws SQLException {
        if (!ensured) {
            ensure(c, schema);
            ensured = true;
        }
    }

    private static void ensure(Connection c, String schema) throws SQLException {
        Sql.ddl(c, "CREATE DATABASE IF NOT EXISTS " + Sql.quote(schema),
                "CREATE TABLE IF NOT EXISTS " + requestTable(schema) + " ("
                        + " pipeline VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                        + " gtid VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                        + " reason TEXT NOT NULL,"
                        + " requested_by VARCHAR(191) NOT NULL,"
                        + " requested_at DATETIME(6) NOT NULL COMMENT 'UTC',"
                        + " PRIMARY KEY (pipeline, gtid)"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Paraverse: source transactions an operator asked to skip'",
                "CREATE TABLE IF NOT EXISTS " + auditTable(schema) + " ("
                        + " pipeline VARCHAR(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                        + " gtid VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                        + " binlog_file VARCHAR(512) NULL,"
                        + " binlog_pos BIGINT NOT NULL,"
                        + " source_tables TEXT NOT NULL,"
                        + " rows_skipped BIGINT NOT NULL,"
                        + " reason TEXT NOT NULL,"
                        + " requested_by VARCHAR(191) NOT NULL,"
                        + " skipped_at DATETIME(6) NOT NULL COMMENT 'UTC',"
                        + " PRIMARY KEY (pipeline, gtid)"
                        + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='Paraverse: source transactions the applier skipped, on request'");
    }

    /** This pipeline's requests by GTID. */
    Map<String, Request> load(Connection c) throws SQLException {
        Map<String, Request> m = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT gtid, reason, requested_by FROM " + requestTable(schema)
                + " WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    m.put(rs.getString(1), new Request(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return m;
    }

    /** Records a skip inside the open target transaction (the one that moves the checkpoint past it). */
    void audit(TargetSession s, Audit a) throws SQLException {
        PreparedStatement ps = s.prepare("INSERT INTO " + auditTable(schema) + " (pipeline, gtid, binlog_file, binlog_pos,"
                + " source_tables, rows_skipped, reason, requested_by, skipped_at) VALUES (?,?,?,?,?,?,?,?, UTC_TIMESTAMP(6))"
                + " ON DUPLICATE KEY UPDATE binlog_file = VALUES(binlog_file), binlog_pos = VALUES(binlog_pos),"
                + " source_tables = VALUES(source_tables), rows_skipped = VALUES(rows_skipped), reason = VALUES(reason),"
                + " requested_by = VALUES(requested_by), skipped_at = VALUES(skipped_at)");
        ps.setString(1, pipeline);
        ps.setString(2, a.gtid());
        ps.setString(3, a.binlogFile());
        ps.setLong(4, a.binlogPos());
        ps.setString(5, a.sourceTables());
        ps.setLong(6, a.rowsSkipped());
        ps.setString(7, a.reason());
        ps.setString(8, a.requestedBy());
        ps.executeUpdate();
    }

    /**
     * Stores a request to skip source transaction {@code gtid} of {@code pipeline} (creating the tables if absent;
     * a repeated request replaces the earlier one) and says what will happen, judged by the pipeline's checkpoint.
     */
    public static String submit(Connection c, String schema, String pipeline, String gtid, String reason,
                                String requestedBy) throws SQLException {
        if (!GTID.matcher(gtid).matches()) {
            throw new IllegalArgumentException("--gtid must be domain-server-sequence (e.g. 0-1-42), got '" + gtid + "'");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a skip needs a reason (it is audited)");
        }
        ensure(c, schema);
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(true);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + requestTable(schema)
                + " (pipeline, gtid, reason, requested_by, requested_at) VALUES (?,?,?,?, UTC_TIMESTAMP(6))"
                + " ON DUPLICATE KEY UPDATE reason = VALUES(reason), requested_by = VALUES(requested_by),"
                + " requested_at = VALUES(requested_at)")) {
            ps.setString(1, pipeline);
            ps.setString(2, gtid);
            ps.setString(3, reason);
            ps.setString(4, requestedBy);
            ps.executeUpdate();
        } finally {
            c.setAutoCommit(auto);
        }
        String position = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT gtid_position FROM " + Sql.quote(schema)
                + ".`apply_checkpoint` WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                position = rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            // no checkpoint table yet: the applier has not run
        }
        String what = "pipeline " + pipeline + " will apply none of the rows of source transaction " + gtid
                + " when its applier reaches it (read when the applier starts, or when it stops on a failure), and"
                + " record the skip in " + schema + ".skip_audit";
        if (alreadyApplied(position, gtid)) {
            what += ". WARNING: the checkpoint (" + position + ") is already past " + gtid + "; the request has no effect";
        } else if (position != null) {
            what += "; the applier's checkpoint is at " + position;
        }
        return what;
    }

    /** Whether a GTID position (one domain-server-seq per domain) includes the GTID. */
    static boolean alreadyApplied(String position, String gtid) {
        if (position == null || position.isBlank()) {
            return false;
        }
        String[] g = gtid.split("-");
        for (String p : position.split(",")) {
            String[] d = p.trim().split("-");
            if (d.length == 3 && d[0].equals(g[0])) {
                try {
                    return Long.parseUnsignedLong(d[2]) >= Long.parseUnsignedLong(g[2]);
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }
}

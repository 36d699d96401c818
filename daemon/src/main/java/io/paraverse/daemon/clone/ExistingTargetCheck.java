package io.paraverse.daemon.clone;

import io.paraverse.clone.CloneException;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.GtidPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bring your own clone: the operator restored a backup or snapshot onto the target and says at which source GTID
 * position it was taken. Before capture starts there, this checks that the claim can hold: the position is a real
 * past position of this source, the source still has the binlogs after it, and every included table exists on the
 * target with the same columns and primary key. Every problem found is listed in one error.
 */
final class ExistingTargetCheck {
    private static final Logger log = LoggerFactory.getLogger(ExistingTargetCheck.class);
    private static final Pattern GTID_LIST = Pattern.compile("\\[(.*)]");

    private ExistingTargetCheck() { }

    /** Returns warnings (logged); throws {@link CloneException} listing every problem. */
    static List<String> verify(Endpoint source, Endpoint target, List<String> schemas, String gtid) throws SQLException {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        GtidPosition claimed;
        try {
            claimed = GtidPosition.parse(gtid);
        } catch (IllegalArgumentException e) {
            throw new CloneException("--gtid: " + e.getMessage());
        }
        try (Connection s = SourceTarget.connect(source); Connection t = SourceTarget.connect(target)) {
            String now = scalar(s, "SELECT @@gtid_binlog_pos");
            if (!GtidPosition.parse(now).covers(claimed)) {
                problems.add("GTID position " + gtid + " is ahead of the source's current position " + now
                        + ": is this backup from another server?");
            }
            String oldest = oldestBinlogStart(s);
            if (oldest != null && !claimed.covers(GtidPosition.parse(oldest))) {
                problems.add("the source no longer has the binlogs after " + gtid + " (its oldest binlog starts after " + oldest
                        + "): restore a newer backup, or use --method snapshot/chunked");
            }
            for (String schema : schemas) {
                compareSchema(s, t, schema, problems);
                List<String> triggers = names(t, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA=?", schema);
                if (!triggers.isEmpty()) {
                    problems.add("the target has triggers in " + schema + " " + triggers + ": they would fire again on changes that"
                            + " already carry their effects; drop them on the target (create them at cutover)");
                }
                List<String> events = names(t, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA=? AND STATUS='ENABLED'", schema);
                if (!events.isEmpty()) {
                    warnings.add("the target has enabled events in " + schema + " " + events + ": disable them until cutover,"
                            + " or they write on their own");
                }
            }
            String targetPos = scalar(t, "SELECT @@gtid_binlog_pos");
            String targetSlavePos = scalar(t, "SELECT @@gtid_slave_pos");
            if (!targetPos.isEmpty() && !targetPos.equals(gtid) && !targetSlavePos.equals(gtid)) {
                warnings.add("the target's own GTID position is " + targetPos + " (slave pos '" + targetSlavePos + "'), not " + gtid
                        + ": make sure " + gtid + " is the position the backup was taken at (xtrabackup_binlog_info / mariadb_backup_binlog_info)");
            }
        }
        if (!problems.isEmpty()) {
            throw new CloneException("the target does not look like a clone of the source at " + gtid + ": " + String.join("; ", problems));
        }
        warnings.forEach(w -> log.warn("{}", w));
        return warnings;
    }

    /** The GTID list at the start of the oldest binlog (transactions before it are gone), or null if unknown. */
    private static String oldestBinlogStart(Connection s) throws SQLException {
        String first;
        try (Statement st = s.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            if (!rs.next()) {
                return null;
            }
            first = rs.getString(1);
        }
        try (Statement st = s.createStatement();
             ResultSet rs = st.executeQuery("SHOW BINLOG EVENTS IN '" + first.replace("'", "''") + "' LIMIT 4")) {
            while (rs.next()) {
                if ("Gtid_list".equalsIgnoreCase(rs.getString("Event_type"))) {
                    Matcher m = GTID_LIST.matcher(rs.getString("Info"));
                    return m.find() ? m.group(1) : null;
                }
            }
        }
        return null;
    }

    private static void compareSchema(Connection s, Connection t, String schema, List<String> problems) throws SQLException {
        Map<String, Map<String, String>> src = columns(s, schema);
        Map<String, Map<String, String>> tgt = columns(t, schema);
        if (src.isEmpty()) {
            problems.add("source schema " + schema + " has no tables");
        }
        for (var table : src.entrySet()) {
            String name = schema + "." + table.getKey();
            Map<String, String> tcols = tgt.get(table.getKey());
            if (tcols == null) {
                problems.add("table " + name + " is missing on the target");
                continue;
            }
            if (!table.getValue().equals(tcols)) {
                problems.add("table " + name + " differs: source " + table.getValue() + ", target " + tcols);
            }
        }
        for (String extra : tgt.keySet()) {
            if (!src.containsKey(extra)) {
                problems.add("table " + schema + "." + extra + " exists on the target but not on the source");
            }
        }
    }

    /** table → (column → "type [PK n]") in ordinal order. */
    private static Map<String, Map<String, String>> columns(Connection c, String schema) throws SQLException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, s.SEQ_IN_INDEX"
                + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES tb"
                + "  ON tb.TABLE_SCHEMA=c.TABLE_SCHEMA AND tb.TABLE_NAME=c.TABLE_NAME AND tb.TABLE_TYPE='BASE TABLE'"
                + " LEFT JOIN information_schema.STATISTICS s ON s.TABLE_SCHEMA=c.TABLE_SCHEMA AND s.TABLE_NAME=c.TABLE_NAME"
                + "  AND s.COLUMN_NAME=c.COLUMN_NAME AND s.INDEX_NAME='PRIMARY'"
                + " WHERE c.TABLE_SCHEMA=? ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(3) + (rs.getObject(4) == null ? "" : " PK" + rs.getInt(4));
                    out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), type);
                }
            }
        }
        return out;
    }

    private static List<String> names(Connection c, String sql, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            String v = rs.getString(1);
            return v == null ? "" : v;
        }
    }
}

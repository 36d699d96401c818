package io.paraverse.daemon.bench;

import io.paraverse.cloud.local.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Times a native MariaDB replica applying a backlog: the IO thread first fetches the whole backlog into the relay
 * log (not timed), then the SQL thread(s) apply it (timed until MASTER_POS_WAIT returns) — the same method as
 * the baseline scripts in shared/baselines (file/position replication, MASTER_POS_WAIT).
 */
final class NativeReplicaRun {
    private NativeReplicaRun() { }

    /** A binlog file and offset. */
    record BinlogPos(String file, long pos) { }

    static BinlogPos masterStatus(MariaDbServer source) throws SQLException {
        try (Connection s = source.connect(""); Statement ss = s.createStatement(); ResultSet rs = ss.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return new BinlogPos(rs.getString(1), rs.getLong(2));
        }
    }

    /** Returns the apply time in seconds. The replica must start from the base copy taken at {@code start}. */
    static double applySeconds(MariaDbServer replica, MariaDbServer source, BinlogPos start, BinlogPos end) throws Exception {
        try (Connection c = replica.connect(""); Statement st = c.createStatement()) {
            st.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port() + ", MASTER_USER='root', MASTER_PASSWORD='"
                    + source.password() + "', MASTER_LOG_FILE='" + start.file() + "', MASTER_LOG_POS=" + start.pos() + ", MASTER_USE_GTID=no");
            st.execute("START SLAVE IO_THREAD");
            String sourceFile = end.file();
            long sourcePos = end.pos();
            long deadline = System.currentTimeMillis() + 600_000;
            while (true) {
                try (ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
                    if (!rs.next()) {
                        throw new IllegalStateException("replica has no slave status");
                    }
                    if (rs.getInt("Last_IO_Errno") != 0) {
                        throw new IllegalStateException("native replica IO thread failed: " + rs.getString("Last_IO_Error"));
                    }
                    if (sourceFile.equals(rs.getString("Master_Log_File")) && rs.getLong("Read_Master_Log_Pos") >= sourcePos) {
                        break;
                    }
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("native replica did not fetch the backlog within 10 minutes");
                }
                Thread.sleep(20);
            }
            st.execute("STOP SLAVE IO_THREAD");
            long t0 = System.nanoTime();
            st.execute("START SLAVE SQL_THREAD");
            try (ResultSet rs = st.executeQuery("SELECT MASTER_POS_WAIT('" + end.file() + "', " + end.pos() + ", 3600)")) {
                rs.next();
                if (rs.getObject(1) == null || rs.getLong(1) < 0) {
                    throw new IllegalStateException("native replica did not reach " + end + ": " + sqlError(st));
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            st.execute("STOP SLAVE");
            return secs;
        }
    }

    private static String sqlError(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            return rs.next() ? rs.getString("Last_SQL_Error") : "no slave status";
        }
    }
}

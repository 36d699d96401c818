package io.paraverse.daemon.bench;

import io.paraverse.cloud.local.MariaDbServer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Times a native MariaDB replica applying a backlog: the IO thread first fetches the whole backlog into the relay
 * log (not timed), then the SQL thread(s) apply it (timed until MASTER_GTID_WAIT returns) — the same method as
 * the baseline scripts in shared/baselines.
 */
final class NativeReplicaRun {
    private NativeReplicaRun() { }

    /** Returns the apply time in seconds. The replica must start from the base copy at {@code startGtid}. */
    static double applySeconds(MariaDbServer replica, MariaDbServer source, String startGtid, String endGtid) throws Exception {
        try (Connection c = replica.connect(""); Statement st = c.createStatement()) {
            st.execute("SET GLOBAL gtid_slave_pos = '" + startGtid + "'");
            st.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port() + ", MASTER_USER='root', MASTER_PASSWORD='"
                    + source.password() + "', MASTER_USE_GTID=slave_pos");
            st.execute("START SLAVE IO_THREAD");
            String sourceFile;
            long sourcePos;
            try (Connection s = source.connect(""); Statement ss = s.createStatement(); ResultSet rs = ss.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                sourceFile = rs.getString(1);
                sourcePos = rs.getLong(2);
            }
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
            try (ResultSet rs = st.executeQuery("SELECT MASTER_GTID_WAIT('" + endGtid + "', 3600)")) {
                rs.next();
                if (rs.getInt(1) != 0) {
                    throw new IllegalStateException("native replica did not reach " + endGtid + ": " + sqlError(st));
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

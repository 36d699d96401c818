package io.paraverse.applier;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * The baseline for {@link ApplyBench}: MariaDB's own single-threaded replication applying the same
 * sysbench oltp_write_only-like backlog (4 tables x rows, transactions of UPDATE k=k+1, UPDATE c, DELETE, INSERT
 * on one random table) to a replica with the same settings (innodb_flush_log_at_trx_commit=1, 256M buffer pool).
 * The replica's IO thread first fetches the whole backlog into its relay log; then the SQL thread is started and
 * timed until it reaches the source's end position. Not a test (surefire does not run it).
 *
 * <p>Run: {@code java -cp <test classpath> io.paraverse.applier.NativeReplicationBench [rowsPerTable] [transactions]}
 */
public final class NativeReplicationBench {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int txs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("native-src")
                .option("innodb-flush-log-at-trx-commit", "2").option("sync-binlog", "0"));
             MariaDbServer replica = MariaDbServer.start(MariaDbOptions.target("native-replica")
                     .option("innodb-flush-log-at-trx-commit", "1")
                     .option("innodb-buffer-pool-size", "256M"))) {
            SplittableRandom rnd = new SplittableRandom(42);
            int[][] k = new int[ApplyBench.TABLES][rows + 1];
            String[][] c = new String[ApplyBench.TABLES][rows + 1];
            String[][] pad = new String[ApplyBench.TABLES][rows + 1];
            ApplyBench.populate(source, rnd, rows, k, c, pad);
            String[] end = masterStatus(source);
            replica.execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port()
                    + ", MASTER_USER='root', MASTER_PASSWORD='" + source.password() + "', MASTER_USE_GTID=no,"
                    + " MASTER_LOG_FILE='" + end[0].replaceAll("\\.\\d+$", ".000001") + "', MASTER_LOG_POS=4",
                    "START SLAVE");
            waitExecuted(replica, end, 600);
            replica.execute("STOP SLAVE SQL_THREAD");
            System.out.printf("populated %d x %d rows on the source and replicated them%n", ApplyBench.TABLES, rows);

            long t0 = System.nanoTime();
            try (Connection conn = source.connect("sbtest")) {
                conn.setAutoCommit(false);
                PreparedStatement[][] ps = new PreparedStatement[ApplyBench.TABLES][4];
                for (int t = 0; t < ApplyBench.TABLES; t++) {
                    String tbl = "sbtest" + (t + 1);
                    ps[t][0] = conn.prepareStatement("UPDATE " + tbl + " SET k=k+1 WHERE id=?");
                    ps[t][1] = conn.prepareStatement("UPDATE " + tbl + " SET c=? WHERE id=?");
                    ps[t][2] = conn.prepareStatement("DELETE FROM " + tbl + " WHERE id=?");
                    ps[t][3] = conn.prepareStatement("INSERT INTO " + tbl + " (id, k, c, pad) VALUES (?, ?, ?, ?)");
                }
                for (int tx = 1; tx <= txs; tx++) {
                    int t = rnd.nextInt(ApplyBench.TABLES);
                    ps[t][0].setInt(1, 1 + rnd.nextInt(rows));
                    ps[t][0].executeUpdate();
                    ps[t][1].setString(1, ApplyBench.chars(rnd, 10));
                    ps[t][1].setInt(2, 1 + rnd.nextInt(rows));
                    ps[t][1].executeUpdate();
                    int id = 1 + rnd.nextInt(rows);
                    ps[t][2].setInt(1, id);
                    ps[t][2].executeUpdate();
                    ps[t][3].setInt(1, id);
                    ps[t][3].setInt(2, 1 + rnd.nextInt(rows));
                    ps[t][3].setString(3, ApplyBench.chars(rnd, 10));
                    ps[t][3].setString(4, ApplyBench.chars(rnd, 5));
                    ps[t][3].executeUpdate();
                    conn.commit();
                }
            }
            end = masterStatus(source);
            System.out.printf("ran %,d transactions (%,d row changes) on the source in %.1f s%n", txs, txs * 4L,
                    (System.nanoTime() - t0) / 1e9);
            waitFetched(replica, end, 600);

            long cpu0 = ApplyBench.processCpuNanos(replica.pid());
            long start = System.nanoTime();
            replica.execute("START SLAVE SQL_THREAD");
            waitExecuted(replica, end, 1800);
            double secs = (System.nanoTime() - start) / 1e9;
            double cpu = (ApplyBench.processCpuNanos(replica.pid()) - cpu0) / 1e9;
            System.out.printf("[native] replica applied %,d row changes in %,d transactions in %.2f s: %,.0f row changes/s"
                            + " (replica mariadbd CPU %.2f s; machine load average %.1f)%n", txs * 4L, txs, secs,
                    txs * 4L / secs, cpu,
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    static String[] masterStatus(MariaDbServer s) throws Exception {
        try (Connection c = s.connect(""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            return new String[] {rs.getString("File"), rs.getString("Position")};
        }
    }

    static void waitFetched(MariaDbServer replica, String[] end, int seconds) throws Exception {
        waitFor(replica, end, seconds, "Master_Log_File", "Read_Master_Log_Pos");
    }

    static void waitExecuted(MariaDbServer replica, String[] end, int seconds) throws Exception {
        waitFor(replica, end, seconds, "Relay_Master_Log_File", "Exec_Master_Log_Pos");
    }

    private static void waitFor(MariaDbServer replica, String[] end, int seconds, String fileCol, String posCol)
            throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        try (Connection c = replica.connect(""); Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
                    if (rs.next()) {
                        String err = rs.getString("Last_Error");
                        if (err != null && !err.isEmpty()) {
                            throw new IllegalStateException("replication failed: " + err);
                        }
                        if (end[0].equals(rs.getString(fileCol)) && Long.parseLong(end[1]) <= rs.getLong(posCol)) {
                            return;
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("replica did not reach " + end[0] + ":" + end[1] + " in " + seconds + " s");
                }
                Thread.sleep(20);
            }
        }
    }
}

package io.paraverse.applier;

import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.journal.JournalEntry;
import io.paraverse.translator.Column;
import io.paraverse.translator.Commit;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TranslationContext;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Applies a sysbench oltp_write_only-like backlog to a durable local MariaDB target
 * (innodb_flush_log_at_trx_commit=1) and prints row changes per second. Not a test (surefire does not run it).
 *
 * <p>Four tables {@code sbtest1..4 (id INT PK auto_increment, k INT indexed, c CHAR(120), pad CHAR(60))} are
 * pre-populated with {@code rows} rows each; each source transaction works on one random table: UPDATE k=k+1 by
 * id, UPDATE c by id, DELETE by id, INSERT the same id. The backlog is built in memory (an in-memory journal
 * reader), applied through the identity translator, then the target is compared with the model row by row.
 *
 * <p>Run: {@code java -cp <test classpath> io.paraverse.applier.ApplyBench [rowsPerTable] [transactions] [modes]}
 * where modes is a comma list of {@code compact}, {@code ordered} (default both).
 */
public final class ApplyBench {
    static final int TABLES = 4;

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int txs = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        String modes = args.length > 2 ? args[2] : "compact,ordered";
        try (MariaDbServer server = MariaDbServer.start(MariaDbOptions.target("apply-bench")
                .option("innodb-flush-log-at-trx-commit", "1")
                .option("innodb-buffer-pool-size", "256M"))) {
            System.out.println("target: " + server + ", innodb_flush_log_at_trx_commit=1, " + Runtime.getRuntime()
                    .availableProcessors() + " cores");
            for (String mode : modes.split(",")) {
                run(server, rows, txs, mode.trim());
            }
        }
    }

    static void run(MariaDbServer server, int rows, int txs, String mode) throws Exception {
        boolean compact = mode.equals("compact");
        SplittableRandom rnd = new SplittableRandom(42);
        int[][] k = new int[TABLES][rows + 1];
        String[][] c = new String[TABLES][rows + 1];
        String[][] pad = new String[TABLES][rows + 1];
        long t0 = System.nanoTime();
        populate(server, rnd, rows, k, c, pad);
        System.out.printf("[%s] populated %d x %d rows in %.1f s%n", mode, TABLES, rows, (System.nanoTime() - t0) / 1e9);

        List<TableDef> defs = new ArrayList<>();
        for (int t = 1; t <= TABLES; t++) {
            defs.add(new TableDef("sbtest", "sbtest" + t, List.of(Column.of("id", SqlType.INT), Column.of("k", SqlType.INT),
                    Column.of("c", SqlType.CHAR), Column.of("pad", SqlType.CHAR)), List.of("id")));
        }
        List<JournalEntry> journal = new ArrayList<>(txs * 5);
        long seq = 0;
        long pos = 256;
        long time = System.currentTimeMillis() - 3_600_000;
        for (int tx = 1; tx <= txs; tx++) {
            int t = rnd.nextInt(TABLES);
            TableDef def = defs.get(t);
            SourcePosition p = new SourcePosition("0-1-" + tx, null, "mariadb-bin.000001", pos);
            int id = 1 + rnd.nextInt(rows); // UPDATE sbtest SET k=k+1 WHERE id=?
            Object[] before = row(id, k[t], c[t], pad[t]);
            k[t][id]++;
            journal.add(new JournalEntry.Row(++seq, new RowChange(def, RowChange.Op.UPDATE, before, row(id, k[t], c[t], pad[t]), p, time)));
            id = 1 + rnd.nextInt(rows); // UPDATE sbtest SET c=? WHERE id=?
            before = row(id, k[t], c[t], pad[t]);
            c[t][id] = chars(rnd, 10);
            journal.add(new JournalEntry.Row(++seq, new RowChange(def, RowChange.Op.UPDATE, before, row(id, k[t], c[t], pad[t]), p, time)));
            id = 1 + rnd.nextInt(rows); // DELETE FROM sbtest WHERE id=?; INSERT INTO sbtest (id, k, c, pad) VALUES (?, ...)
            journal.add(new JournalEntry.Row(++seq, new RowChange(def, RowChange.Op.DELETE, row(id, k[t], c[t], pad[t]), null, p, time)));
            k[t][id] = 1 + rnd.nextInt(rows);
            c[t][id] = chars(rnd, 10);
            pad[t][id] = chars(rnd, 5);
            journal.add(new JournalEntry.Row(++seq, new RowChange(def, RowChange.Op.INSERT, null, row(id, k[t], c[t], pad[t]), p, time)));
            pos += 1000;
            journal.add(new JournalEntry.TxCommit(++seq, new Commit(new SourcePosition("0-1-" + tx, "0-1-" + tx,
                    "mariadb-bin.000001", pos), time)));
            if (tx % 1000 == 0) {
                time += 1000;
            }
        }
        long rowChanges = (long) txs * 4;

        try (HikariDataSource ds = dataSource(server)) {
            Applier applier = new Applier(ds, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()),
                    ApplierOptions.builder("bench-" + mode).compaction(compact)
                            .maxStatementRows(Integer.getInteger("bench.statementRows", ApplierOptions.DEFAULT_MAX_STATEMENT_ROWS))
                            .maxTransactionRows(Integer.getInteger("bench.transactionRows", ApplierOptions.DEFAULT_MAX_TRANSACTION_ROWS))
                            .build());
            applier.checkpoint();
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long serverCpu0 = processCpuNanos(server.pid());
            long clientCpu0 = mx.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            applier.runUntilCaughtUp(new ListJournalReader(journal));
            double secs = (System.nanoTime() - start) / 1e9;
            double serverCpu = (processCpuNanos(server.pid()) - serverCpu0) / 1e9;
            double clientCpu = (mx.getCurrentThreadCpuTime() - clientCpu0) / 1e9;
            ApplierStats st = applier.stats();
            System.out.printf("[%s] applied %,d row changes in %,d source transactions in %.2f s: %,.0f row changes/s"
                            + " (%,d target commits, %,d rows written by statements)%n", mode, st.rowsApplied(),
                    st.transactions(), secs, rowChanges / secs, st.targetCommits(), st.targetRowsWritten());
            System.out.printf("[%s] CPU: mariadbd %.2f s, apply thread %.2f s; %,.0f row changes per CPU second"
                            + " (machine load average %.1f)%n", mode, serverCpu, clientCpu,
                    rowChanges / (serverCpu + clientCpu),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            if (st.rowsApplied() != rowChanges) {
                throw new IllegalStateException("applied " + st.rowsApplied() + " of " + rowChanges);
            }
        }
        verify(server, rows, k, c, pad);
        System.out.printf("[%s] target equals the model (%d x %d rows compared)%n", mode, TABLES, rows);
    }

    /** The applier's pool; -Dbench.driver=k=v,k=v overrides driver properties (for comparing them). */
    static HikariDataSource dataSource(MariaDbServer server) {
        HikariDataSource ds = TargetDataSource.create(server.jdbcUrl(""), server.user(), server.password(), 2);
        String props = System.getProperty("bench.driver", "");
        if (!props.isBlank()) {
            ds.close();
            com.zaxxer.hikari.HikariConfig cfg = new com.zaxxer.hikari.HikariConfig();
            cfg.setJdbcUrl(server.jdbcUrl(""));
            cfg.setUsername(server.user());
            cfg.setPassword(server.password());
            cfg.setMaximumPoolSize(2);
            cfg.setConnectionInitSql(TargetDataSource.sessionSql(ApplierOptions.DEFAULT_SQL_MODE));
            for (String kv : props.split(",")) {
                String[] p = kv.split("=", 2);
                cfg.addDataSourceProperty(p[0].trim(), p[1].trim());
            }
            System.out.println("driver properties: " + cfg.getDataSourceProperties());
            ds = new HikariDataSource(cfg);
        }
        return ds;
    }

    /** User+system CPU time of a process from /proc (Linux), in nanoseconds; 0 if unavailable. */
    static long processCpuNanos(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
            return ticks * 10_000_000L; // USER_HZ = 100
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    static Object[] row(int id, int[] k, String[] c, String[] pad) {
        return new Object[] {(long) id, (long) k[id], c[id], pad[id]};
    }

    static String chars(SplittableRandom rnd, int groups) {
        StringBuilder sb = new StringBuilder(groups * 12);
        for (int g = 0; g < groups; g++) {
            if (g > 0) {
                sb.append('-');
            }
            for (int i = 0; i < 11; i++) {
                sb.append((char) ('0' + rnd.nextInt(10)));
            }
        }
        return sb.toString();
    }

    static void populate(MariaDbServer server, SplittableRandom rnd, int rows, int[][] k, String[][] c, String[][] pad)
            throws Exception {
        server.execute("DROP DATABASE IF EXISTS sbtest", "CREATE DATABASE sbtest",
                "DROP DATABASE IF EXISTS paraverse");
        try (Connection conn = server.connect("sbtest"); Statement st = conn.createStatement()) {
            for (int t = 0; t < TABLES; t++) {
                st.execute("CREATE TABLE sbtest" + (t + 1) + " (id INT NOT NULL AUTO_INCREMENT, k INT NOT NULL DEFAULT 0,"
                        + " c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id),"
                        + " KEY k_1 (k)) ENGINE=InnoDB");
                conn.setAutoCommit(false);
                int batch = 1000;
                StringBuilder sql = new StringBuilder("INSERT INTO sbtest" + (t + 1) + " (id, k, c, pad) VALUES ");
                for (int i = 0; i < batch; i++) {
                    sql.append(i == 0 ? "(?,?,?,?)" : ",(?,?,?,?)");
                }
                try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                    for (int id = 1; id <= rows; id += batch) {
                        if (id + batch - 1 > rows) {
                            break;
                        }
                        for (int i = 0; i < batch; i++) {
                            int r = id + i;
                            k[t][r] = 1 + rnd.nextInt(rows);
                            c[t][r] = chars(rnd, 10);
                            pad[t][r] = chars(rnd, 5);
                            ps.setInt(4 * i + 1, r);
                            ps.setInt(4 * i + 2, k[t][r]);
                            ps.setString(4 * i + 3, c[t][r]);
                            ps.setString(4 * i + 4, pad[t][r]);
                        }
                        ps.executeUpdate();
                    }
                }
                conn.commit();
                conn.setAutoCommit(true);
            }
        }
        if (rows % 1000 != 0) {
            throw new IllegalArgumentException("rows per table must be a multiple of 1000");
        }
    }

    static void verify(MariaDbServer server, int rows, int[][] k, String[][] c, String[][] pad) throws Exception {
        try (Connection conn = server.connect("sbtest"); Statement st = conn.createStatement()) {
            for (int t = 0; t < TABLES; t++) {
                int n = 0;
                try (ResultSet rs = st.executeQuery("SELECT id, k, c, pad FROM sbtest" + (t + 1) + " ORDER BY id")) {
                    while (rs.next()) {
                        int id = rs.getInt(1);
                        n++;
                        if (id != n || rs.getInt(2) != k[t][id] || !rs.getString(3).equals(c[t][id])
                                || !rs.getString(4).equals(pad[t][id])) {
                            throw new IllegalStateException("sbtest" + (t + 1) + " differs from the model at id " + id);
                        }
                    }
                }
                if (n != rows) {
                    throw new IllegalStateException("sbtest" + (t + 1) + " has " + n + " rows, expected " + rows);
                }
            }
        }
    }
}

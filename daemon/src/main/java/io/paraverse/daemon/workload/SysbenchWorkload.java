package io.paraverse.daemon.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The write mix of sysbench's oltp_write_only on tables sbtest1..N: each transaction picks a table and does an
 * index update (k=k+1), a non-index update (c), a delete and an insert of the same id: four row changes.
 * Used by the benchmark and the tests so both see the standard workload without needing sysbench installed.
 */
public final class SysbenchWorkload {
    public static final int ROW_CHANGES_PER_TRANSACTION = 4;

    private final String schema;
    private final int tables;
    private final int rowsPerTable;

    public SysbenchWorkload(String schema, int tables, int rowsPerTable) {
        this.schema = schema;
        this.tables = tables;
        this.rowsPerTable = rowsPerTable;
    }

    public String schema() { return schema; }

    public List<String> tableNames() {
        List<String> names = new ArrayList<>();
        for (int t = 1; t <= tables; t++) {
            names.add("sbtest" + t);
        }
        return names;
    }

    /** DDL for the schema and its tables (sysbench's layout). */
    public List<String> ddl() {
        List<String> ddl = new ArrayList<>();
        ddl.add("CREATE DATABASE IF NOT EXISTS " + schema);
        for (String t : tableNames()) {
            ddl.add("CREATE TABLE IF NOT EXISTS " + schema + "." + t + " (id INT NOT NULL AUTO_INCREMENT, k INT NOT NULL DEFAULT 0,"
                    + " c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id), KEY k_1 (k))"
                    + " ENGINE=InnoDB");
        }
        return ddl;
    }

    /** Creates the tables and fills each with rowsPerTable rows (multi-row inserts, one transaction per chunk). */
    public void prepare(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String d : ddl()) {
                st.execute(d);
            }
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        int chunk = 1000;
        StringBuilder sql = new StringBuilder();
        for (String t : tableNames()) {
            for (int start = 1; start <= rowsPerTable; start += chunk) {
                int end = Math.min(rowsPerTable, start + chunk - 1);
                sql.setLength(0);
                sql.append("INSERT INTO ").append(schema).append('.').append(t).append(" (id,k,c,pad) VALUES ");
                for (int id = start; id <= end; id++) {
                    if (id > start) {
                        sql.append(',');
                    }
                    sql.append('(').append(id).append(',').append(ThreadLocalRandom.current().nextInt(rowsPerTable))
                            .append(",'").append(cValue()).append("','").append(padValue()).append("')");
                }
                try (Statement st = c.createStatement()) {
                    st.execute(sql.toString());
                }
                c.commit();
            }
        }
        c.setAutoCommit(auto);
    }

    /**
     * Runs transactions on one connection until {@code transactions} are done or {@code keepGoing} turns false.
     * Adds the number of committed row changes to {@code rowChanges}. Returns transactions committed.
     */
    public long run(Connection c, long transactions, BooleanSupplier keepGoing, AtomicLong rowChanges) throws SQLException {
        c.setAutoCommit(false);
        List<PreparedStatement[]> byTable = new ArrayList<>();
        try {
            for (String t : tableNames()) {
                String q = schema + "." + t;
                byTable.add(new PreparedStatement[] {
                        c.prepareStatement("UPDATE " + q + " SET k=k+1 WHERE id=?"),
                        c.prepareStatement("UPDATE " + q + " SET c=? WHERE id=?"),
                        c.prepareStatement("DELETE FROM " + q + " WHERE id=?"),
                        c.prepareStatement("INSERT INTO " + q + " (id,k,c,pad) VALUES (?,?,?,?)") });
            }
            long done = 0;
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (done < transactions && keepGoing.getAsBoolean()) {
                PreparedStatement[] ps = byTable.get(rnd.nextInt(tables));
                int changed = 0;
                ps[0].setInt(1, 1 + rnd.nextInt(rowsPerTable));
                changed += ps[0].executeUpdate();
                ps[1].setString(1, cValue());
                ps[1].setInt(2, 1 + rnd.nextInt(rowsPerTable));
                changed += ps[1].executeUpdate();
                int id = 1 + rnd.nextInt(rowsPerTable);
                ps[2].setInt(1, id);
                changed += ps[2].executeUpdate();
                ps[3].setInt(1, id);
                ps[3].setInt(2, rnd.nextInt(rowsPerTable));
                ps[3].setString(3, cValue());
                ps[3].setString(4, padValue());
                changed += ps[3].executeUpdate();
                try {
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    if (e.getErrorCode() == 1213) { // deadlock between writer threads: retry like sysbench does
                        continue;
                    }
                    throw e;
                }
                rowChanges.addAndGet(changed);
                done++;
            }
            return done;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            for (PreparedStatement[] ps : byTable) {
                for (PreparedStatement p : ps) {
                    p.close();
                }
            }
        }
    }

    private static String cValue() {
        return groups(10);
    }

    private static String padValue() {
        return groups(5);
    }

    /** sysbench's "###########-###########-..." strings of random digits. */
    private static String groups(int n) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(n * 12);
        for (int g = 0; g < n; g++) {
            if (g > 0) {
                sb.append('-');
            }
            for (int i = 0; i < 11; i++) {
                sb.append((char) ('0' + rnd.nextInt(10)));
            }
        }
        return sb.toString();
    }
}

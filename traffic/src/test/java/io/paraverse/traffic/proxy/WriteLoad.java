package io.paraverse.traffic.proxy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application: a HikariCP pool (default settings and validation) through the proxy, with workers writing rows in
 * three kinds of transactions (setAutoCommit(false) + commit, START TRANSACTION ... COMMIT, single autocommit inserts).
 * Records every committed row id, every failed transaction and when each commit returned.
 */
final class WriteLoad implements AutoCloseable {
    final HikariDataSource pool;
    final Set<Long> committed = ConcurrentHashMap.newKeySet();
    final AtomicInteger failed = new AtomicInteger();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> commitTimes = new ConcurrentLinkedQueue<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stop;

    static final String TABLE = "CREATE TABLE app.rows_written (id BIGINT PRIMARY KEY, worker INT NOT NULL, kind VARCHAR(20) NOT NULL, payload VARCHAR(200))";

    WriteLoad(String jdbcUrl, String user, String password, int threads) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(threads);
        config.setPoolName("app-through-proxy");
        pool = new HikariDataSource(config);
        for (int w = 0; w < threads; w++) {
            int worker = w;
            Thread t = new Thread(() -> run(worker), "app-worker-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
    }

    void start() {
        workers.forEach(Thread::start);
    }

    void stop() throws InterruptedException {
        stop = true;
        for (Thread t : workers) t.join(30_000);
    }

    private void run(int worker) {
        long seq = 0;
        while (!stop) {
            long base = (worker + 1) * 10_000_000L + seq * 10;
            seq++;
            int kind = (int) (seq % 3);
            List<Long> ids = new ArrayList<>();
            try (Connection c = pool.getConnection()) {
                if (kind == 0) {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO rows_written (id, worker, kind, payload) VALUES (?, ?, ?, ?)")) {
                        for (int i = 0; i < 3; i++) {
                            insert(ps, base + i, worker, "tx-api");
                            ids.add(base + i);
                        }
                    }
                    try (Statement st = c.createStatement()) {
                        st.executeQuery("SELECT COUNT(*) FROM rows_written WHERE worker = " + worker).close();
                    }
                    c.commit();
                } else if (kind == 1) {
                    try (Statement st = c.createStatement()) {
                        st.execute("START TRANSACTION");
                        st.executeUpdate("INSERT INTO rows_written (id, worker, kind, payload) VALUES (" + base + ", " + worker + ", 'tx-sql', 'a')");
                        st.executeUpdate("INSERT INTO rows_written (id, worker, kind, payload) VALUES (" + (base + 1) + ", " + worker + ", 'tx-sql', 'b')");
                        st.execute("COMMIT");
                    }
                    ids.add(base);
                    ids.add(base + 1);
                } else {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO rows_written (id, worker, kind, payload) VALUES (?, ?, ?, ?)")) {
                        insert(ps, base, worker, "autocommit");
                    }
                    ids.add(base);
                }
                committed.addAll(ids);
                commitTimes.add(System.nanoTime());
            } catch (SQLException e) {
                failed.incrementAndGet();
                failures.add(e.toString());
            }
        }
    }

    private static void insert(PreparedStatement ps, long id, int worker, String kind) throws SQLException {
        ps.setLong(1, id);
        ps.setInt(2, worker);
        ps.setString(3, kind);
        ps.setString(4, "payload-" + id);
        ps.executeUpdate();
    }

    /** The longest time between two successful commits (of any worker) from {@code fromNanos} on, in ms. */
    long longestGapMillis(long fromNanos) {
        List<Long> times = new ArrayList<>(commitTimes);
        Collections.sort(times);
        long prev = fromNanos;
        long max = 0;
        long at = 0;
        for (long t : times) {
            if (t < fromNanos) continue;
            if (t - prev > max) {
                max = t - prev;
                at = prev;
            }
            prev = t;
        }
        System.out.printf("longest gap %d ms, starting %d ms after the load started%n", max / 1_000_000, (at - fromNanos) / 1_000_000);
        return max / 1_000_000;
    }

    /** The first few failures, for assertion messages. */
    String someFailures() {
        return failures.stream().limit(5).toList() + (failures.size() > 5 ? " and " + (failures.size() - 5) + " more" : "");
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        pool.close();
    }
}

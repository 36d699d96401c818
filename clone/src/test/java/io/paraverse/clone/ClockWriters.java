package io.paraverse.clone;

import io.paraverse.cloud.local.MariaDbServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writers that update, insert and delete rows of {@code schema.data} while a clone runs. Every transaction first
 * increments {@code schema.clock} (its row lock orders the transactions: version k commits before k+1) and logs what
 * it did in {@code clockhist.<schema>}, outside the cloned schema. The clone copies the clock too, so its value on the
 * target says which transactions the snapshot holds, and {@link #expectedAt} rebuilds the source's exact content at
 * that point to compare with the target.
 */
final class ClockWriters implements AutoCloseable {
    private final MariaDbServer source;
    private final String schema;
    private final int rows;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    final AtomicLong committed = new AtomicLong();
    private final Map<Long, String> gtids = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();

    /** Creates {@code schema} with data (ids 1..rows, v = id) and clock; {@code extraDdl} runs after. */
    static void create(MariaDbServer source, String schema, int rows, String... extraDdl) {
        source.execute("CREATE DATABASE " + schema, "CREATE DATABASE IF NOT EXISTS clockhist",
                "CREATE TABLE " + schema + ".data (id BIGINT PRIMARY KEY, v BIGINT NOT NULL, pad VARCHAR(100) NOT NULL)",
                "CREATE TABLE " + schema + ".clock (id INT PRIMARY KEY, n BIGINT NOT NULL)",
                "INSERT INTO " + schema + ".clock VALUES (1, 0)",
                "CREATE TABLE clockhist." + schema + " (ver BIGINT PRIMARY KEY, op CHAR(1) NOT NULL, id BIGINT NOT NULL, v BIGINT)",
                "INSERT INTO " + schema + ".data SELECT seq, seq, REPEAT('p', 60) FROM mysql.seq_1_to_" + rows,
                "ANALYZE TABLE " + schema + ".data");
        source.execute(extraDdl);
    }

    ClockWriters(MariaDbServer source, String schema, int rows, int threadCount) {
        this.source = source;
        this.schema = schema;
        this.rows = rows;
        for (int w = 0; w < threadCount; w++) {
            int seed = w;
            Thread t = new Thread(() -> write(seed), "clock-writer-" + schema + "-" + w);
            t.start();
            threads.add(t);
        }
    }

    private void write(int seed) {
        Random r = new Random(seed);
        try (Connection c = source.connect(schema)) {
            c.setAutoCommit(false);
            try (PreparedStatement tick = c.prepareStatement("UPDATE clock SET n = LAST_INSERT_ID(n + 1) WHERE id = 1");
                 PreparedStatement ver = c.prepareStatement("SELECT LAST_INSERT_ID()");
                 PreparedStatement upd = c.prepareStatement("UPDATE data SET v = ? WHERE id = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO data VALUES (?, ?, 'new')");
                 PreparedStatement del = c.prepareStatement("DELETE FROM data WHERE id = ?");
                 PreparedStatement hist = c.prepareStatement("INSERT INTO clockhist." + schema + " VALUES (?, ?, ?, ?)");
                 PreparedStatement lastGtid = c.prepareStatement("SELECT @@last_gtid")) {
                while (running.get()) {
                    tick.executeUpdate();
                    long k;
                    try (ResultSet rs = ver.executeQuery()) {
                        rs.next();
                        k = rs.getLong(1);
                    }
                    int op = r.nextInt(10);
                    long id;
                    long v = r.nextLong();
                    String code;
                    if (op < 6) {
                        code = "U";
                        id = 1 + r.nextInt(rows);
                        upd.setLong(1, v);
                        upd.setLong(2, id);
                        upd.executeUpdate();
                    } else if (op < 8) {
                        code = "I";
                        id = 10_000_000L + k;
                        ins.setLong(1, id);
                        ins.setLong(2, v);
                        ins.executeUpdate();
                    } else {
                        code = "D";
                        id = 1 + r.nextInt(rows);
                        del.setLong(1, id);
                        del.executeUpdate();
                    }
                    hist.setLong(1, k);
                    hist.setString(2, code);
                    hist.setLong(3, id);
                    hist.setLong(4, v);
                    hist.executeUpdate();
                    c.commit();
                    try (ResultSet rs = lastGtid.executeQuery()) {
                        rs.next();
                        gtids.put(k, rs.getString(1));
                    }
                    committed.incrementAndGet();
                }
            }
        } catch (Throwable e) {
            if (running.get()) {
                error.compareAndSet(null, e);
            }
        }
    }

    void awaitCommits(long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (committed.get() < n) {
            if (error.get() != null || System.currentTimeMillis() > deadline) {
                throw new AssertionError("writers did not commit " + n + " transactions", error.get());
            }
            Thread.sleep(5);
        }
    }

    /** Stops the writers; fails if one failed. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(60_000);
        }
        if (error.get() != null) {
            throw new AssertionError("a writer failed", error.get());
        }
    }

    /** The GTID transaction {@code version} got on the source. */
    String gtidOf(long version) {
        return gtids.get(version);
    }

    /** The content of data (id → v) right after transaction {@code version} committed, rebuilt from the log. */
    Map<Long, Long> expectedAt(long version) throws Exception {
        Map<Long, Long> m = new HashMap<>();
        for (long id = 1; id <= rows; id++) {
            m.put(id, id);
        }
        try (Connection c = source.connect(""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT op, id, v FROM clockhist." + schema + " WHERE ver <= " + version + " ORDER BY ver")) {
            while (rs.next()) {
                long id = rs.getLong(2);
                long v = rs.getLong(3);
                switch (rs.getString(1)) {
                    case "U" -> m.replace(id, v); // an update of a deleted row changes nothing
                    case "I" -> m.put(id, v);
                    default -> m.remove(id);
                }
            }
        }
        return m;
    }

    static Map<Long, Long> content(MariaDbServer s, String schema) throws Exception {
        Map<Long, Long> m = new TreeMap<>();
        try (Connection c = s.connect(""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, v FROM " + schema + ".data")) {
            while (rs.next()) {
                m.put(rs.getLong(1), rs.getLong(2));
            }
        }
        return m;
    }

    static long clock(MariaDbServer s, String schema) throws Exception {
        return SnapshotCloneTest.longQuery(s, "SELECT n FROM " + schema + ".clock");
    }
}

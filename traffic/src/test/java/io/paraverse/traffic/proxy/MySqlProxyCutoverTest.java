package io.paraverse.traffic.proxy;

import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Holding, draining, switching and releasing real pooled clients between two real MariaDB servers. */
class MySqlProxyCutoverTest {
    private static AppDatabase oldDb;
    private static AppDatabase newDb;
    private static final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "cutover-test");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void startServers() {
        oldDb = AppDatabase.start("proxy-old");
        newDb = AppDatabase.start("proxy-new");
    }

    @AfterAll
    static void stopServers() {
        background.shutdownNow();
        if (oldDb != null) oldDb.close();
        if (newDb != null) newDb.close();
    }

    @BeforeEach
    void freshTables() {
        for (AppDatabase d : new AppDatabase[] {oldDb, newDb}) {
            d.execute("DROP TABLE IF EXISTS app.rows_written", WriteLoad.TABLE);
        }
    }

    private static MySqlProxy proxyTo(AppDatabase db, ProxyCredentials credentials) throws Exception {
        return MySqlProxy.start(new InetSocketAddress("127.0.0.1", 0), db.endpoint(), credentials);
    }

    private static ProxyCredentials appCredentials() {
        return ProxyCredentials.of(Map.of(AppDatabase.USER, AppDatabase.PASSWORD));
    }

    @Test
    void aTransactionRunsToItsEndWhileNewWorkIsHeld() throws Exception {
        try (MySqlProxy proxy = proxyTo(oldDb, appCredentials());
             Connection inTx = AppDatabase.viaProxy(proxy, AppDatabase.USER, AppDatabase.PASSWORD, "");
             Connection idle = AppDatabase.viaProxy(proxy, AppDatabase.USER, AppDatabase.PASSWORD, "")) {
            inTx.setAutoCommit(false);
            insert(inTx, 1);
            Future<FenceResult> hold = background.submit(() -> proxy.hold(Duration.ofSeconds(10)));
            Thread.sleep(300);
            assertFalse(hold.isDone(), "hold must wait for the open transaction");
            Future<?> heldInsert = background.submit(() -> insert(idle, 2));
            Thread.sleep(300);
            assertFalse(heldInsert.isDone(), "a session between transactions must be held");
            assertEquals(0, oldDb.count("SELECT COUNT(*) FROM rows_written WHERE id = 2"), "the held command reached the server");
            assertEquals(1, proxy.stats().held());
            insert(inTx, 3); // the transaction goes on while held
            inTx.commit();
            FenceResult fenced = hold.get(5, TimeUnit.SECONDS);
            assertTrue(fenced.drained());
            assertEquals(0, fenced.inFlight());
            assertTrue(fenced.waited().toMillis() >= 500, "waited " + fenced.waited());
            assertTrue(fenced.holdsClients());
            Future<Connection> newConnection = background.submit(
                    () -> AppDatabase.viaProxy(proxy, AppDatabase.USER, AppDatabase.PASSWORD, ""));
            Thread.sleep(300);
            assertFalse(heldInsert.isDone(), "still held until release");
            assertFalse(newConnection.isDone(), "a new connection waits while held");
            assertEquals(Set.of(1L, 3L), ids(oldDb));
            proxy.release();
            heldInsert.get(5, TimeUnit.SECONDS);
            try (Connection late = newConnection.get(5, TimeUnit.SECONDS)) {
                insert(late, 4);
            }
            assertEquals(Set.of(1L, 2L, 3L, 4L), ids(oldDb));
            assertTrue(proxy.stats().maxHold().toMillis() >= 300, proxy.stats().toString());
        }
    }

    @Test
    void sessionStateFollowsTheSessionToTheNewServer() throws Exception {
        try (MySqlProxy proxy = proxyTo(oldDb, appCredentials());
             Connection c = AppDatabase.viaProxy(proxy, AppDatabase.USER, AppDatabase.PASSWORD, "useServerPrepStmts=true")) {
            PreparedStatement before = c.prepareStatement("SELECT ? + 1, @@server_id");
            assertEquals(List.of("11", String.valueOf(oldDb.serverId())), row(before, 10));
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
                st.execute("SET @marker = 42");
                st.execute("SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE");
            }
            c.setCatalog("app2");
            c.commit();
            PreparedStatement doomed = c.prepareStatement("SELECT ? - 1");
            doomed.close();

            assertTrue(proxy.hold(Duration.ofSeconds(5)).drained());
            proxy.switchTo(newDb.endpoint());
            proxy.release();
            assertEquals(1, proxy.stats().moved());
            assertEquals(0, oldDb.connectionsOf(AppDatabase.USER));

            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT DATABASE(), @@sql_mode, @marker, @@tx_isolation, @@autocommit, @@server_id")) {
                assertTrue(rs.next());
                assertEquals("app2", rs.getString(1));
                assertEquals("ANSI_QUOTES", rs.getString(2));
                assertEquals(42, rs.getInt(3));
                assertEquals("SERIALIZABLE", rs.getString(4));
                assertEquals(0, rs.getInt(5));
                assertEquals(newDb.serverId(), rs.getInt(6));
            }
            assertEquals(List.of("21", String.valueOf(newDb.serverId())), row(before, 20), "prepared before the switch");
            PreparedStatement after = c.prepareStatement("SELECT ? * 2");
            assertEquals(List.of("14"), row(after, 7), "prepared after the switch");
            assertEquals(List.of("31", String.valueOf(newDb.serverId())), row(before, 30));
            after.close();
            assertEquals(List.of("41", String.valueOf(newDb.serverId())), row(before, 40));
            before.close();
            c.commit();
        }
    }

    @Test
    void aHundredAndFiftyIdleSessionsMoveQuickly() throws Exception {
        List<Connection> clients = new ArrayList<>();
        try (MySqlProxy proxy = proxyTo(oldDb, appCredentials())) {
            for (int i = 0; i < 150; i++) {
                clients.add(AppDatabase.viaProxy(proxy, AppDatabase.USER, AppDatabase.PASSWORD, ""));
            }
            assertEquals(150, oldDb.connectionsOf(AppDatabase.USER));
            assertTrue(proxy.hold(Duration.ofSeconds(5)).drained());
            long start = System.nanoTime();
            proxy.switchTo(newDb.endpoint());
            long switchMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            proxy.release();
            System.out.printf("moved 150 idle sessions in %d ms%n", switchMs);
            assertEquals(150, proxy.stats().moved());
            assertEquals(0, oldDb.connectionsOf(AppDatabase.USER));
            assertEquals(150, newDb.connectionsOf(AppDatabase.USER));
            for (Connection c : clients) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_id")) {
                    assertTrue(rs.next());
                    assertEquals(newDb.serverId(), rs.getInt(1));
                }
            }
            assertTrue(switchMs < 5_000, "moving 150 sessions took " + switchMs + " ms");
        } finally {
            for (Connection c : clients) c.close();
        }
    }

    private static List<String> row(PreparedStatement ps, int arg) throws SQLException {
        ps.setInt(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            List<String> values = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) values.add(rs.getString(i));
            return values;
        }
    }

    @Test
    void holdTimesOutAndReportsTheTransactionStillOpen() throws Exception {
        try (MySqlProxy proxy = proxyTo(oldDb, appCredentials());
             Connection inTx = AppDatabase.viaProxy(proxy, AppDatabase.USER, AppDatabase.PASSWORD, "")) {
            try (Statement st = inTx.createStatement()) {
                st.execute("BEGIN");
                st.executeUpdate("INSERT INTO rows_written VALUES (7, 0, 'x', 'x')");
            }
            FenceResult fenced = proxy.hold(Duration.ofMillis(300));
            assertFalse(fenced.drained());
            assertEquals(1, fenced.inFlight());
            assertEquals(1, proxy.stats().inTransaction());
            try (Statement st = inTx.createStatement()) {
                st.execute("COMMIT");
            }
            assertTrue(proxy.hold(Duration.ofSeconds(1)).drained());
            proxy.release();
            assertEquals(Set.of(7L), ids(oldDb));
        }
    }

    @ParameterizedTest(name = "useServerPrepStmts={0}")
    @ValueSource(booleans = {false, true})
    void cutoverUnderLoadLosesNothingAndFailsNoTransaction(boolean serverPrepared) throws Exception {
        try (MySqlProxy proxy = proxyTo(oldDb, appCredentials());
             WriteLoad app = new WriteLoad(AppDatabase.proxyUrl(proxy, "useServerPrepStmts=" + serverPrepared),
                     AppDatabase.USER, AppDatabase.PASSWORD, 12)) {
            long loadStart = System.nanoTime();
            app.start();
            Thread.sleep(1_500);
            assertTrue(app.committed.size() > 50, "the load is running: " + app.committed.size());

            TrafficSwitch traffic = new BuiltInProxySwitch(proxy); // as the cutover drives it
            traffic.check();
            long holdStart = System.nanoTime();
            FenceResult fenced = traffic.fence(Duration.ofSeconds(5));
            assertTrue(fenced.drained(), fenced.toString());
            Set<Long> onOldAtFence = ids(oldDb);
            long drainedAt = System.nanoTime();
            copyRows(oldDb, newDb); // in the product, the applier drains to production's final position here
            assertEquals(onOldAtFence, ids(newDb));
            long copiedAt = System.nanoTime();
            traffic.switchTo(newDb.endpoint());
            long switchedAt = System.nanoTime();
            traffic.release();
            System.out.printf("drain %d ms, copy %d ms, switch %d ms%n", (drainedAt - holdStart) / 1_000_000,
                    (copiedAt - drainedAt) / 1_000_000, (switchedAt - copiedAt) / 1_000_000);
            long releasedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - holdStart);
            long committedAtRelease = app.committed.size();

            Thread.sleep(1_500);
            app.stop();
            ProxyStats stats = proxy.stats();
            long gap = app.longestGapMillis(loadStart + TimeUnit.MILLISECONDS.toNanos(200));
            System.out.printf("cutover (useServerPrepStmts=%s): hold->release %d ms, longest gap between commits %d ms, "
                    + "%d rows committed, %s%n", serverPrepared, releasedAfterMs, gap, app.committed.size(), stats);

            assertEquals(0, app.failed.get(), "failed client transactions: " + app.someFailures());
            assertTrue(app.committed.size() > committedAtRelease + 50, "writes continued after the switch");
            assertEquals(onOldAtFence, ids(oldDb), "nothing was written to the old server after the fence");
            assertEquals(app.committed, ids(newDb), "every committed row is on the new server exactly once");
            assertEquals(app.committed.size(), newDb.count("SELECT COUNT(*) FROM rows_written"));
            assertTrue(gap < 1_000, "write-unavailability window " + gap + " ms");
            assertTrue(stats.moved() >= 1, stats.toString());
            assertEquals(0, stats.closed(), stats.toString());
            assertEquals(0, oldDb.connectionsOf(AppDatabase.USER), "the old server still has the app's connections");
            assertEquals(app.pool.getHikariPoolMXBean().getTotalConnections(), newDb.connectionsOf(AppDatabase.USER),
                    "the app's pooled connections are on the new server");
        }
    }

    @Test
    void releaseWithoutSwitchKeepsEverythingOnTheOldServer() throws Exception {
        try (MySqlProxy proxy = proxyTo(oldDb, appCredentials());
             WriteLoad app = new WriteLoad(AppDatabase.proxyUrl(proxy, ""), AppDatabase.USER, AppDatabase.PASSWORD, 8)) {
            app.start();
            Thread.sleep(1_000);
            assertTrue(proxy.hold(Duration.ofSeconds(5)).drained());
            Thread.sleep(300); // a failed verification, say
            proxy.release();
            Thread.sleep(1_000);
            app.stop();
            assertEquals(0, app.failed.get(), "failed client transactions: " + app.someFailures());
            assertEquals(app.committed, ids(oldDb));
            assertEquals(Set.of(), ids(newDb));
            assertEquals(0, newDb.connectionsOf(AppDatabase.USER));
            assertEquals(app.pool.getHikariPoolMXBean().getTotalConnections(), oldDb.connectionsOf(AppDatabase.USER));
            assertEquals(0, proxy.stats().moved());
        }
    }

    @Test
    void sessionsWithoutAKnownPasswordAreClosedOnlyBetweenTransactionsAndThePoolRecovers() throws Exception {
        try (MySqlProxy proxy = proxyTo(oldDb, ProxyCredentials.none());
             WriteLoad app = new WriteLoad(AppDatabase.proxyUrl(proxy, ""), AppDatabase.NOPASS_USER, AppDatabase.NOPASS_PASSWORD, 8)) {
            try (Connection warm = app.pool.getConnection()) {
                assertTrue(warm.isValid(1));
            }
            waitFor(() -> app.pool.getHikariPoolMXBean().getTotalConnections() == 8);
            Connection inTx = app.pool.getConnection();
            try (Statement st = inTx.createStatement()) {
                st.execute("BEGIN");
                st.executeUpdate("INSERT INTO rows_written VALUES (1, 0, 'single', 'x')");
            }
            FenceResult fenced = proxy.hold(Duration.ofMillis(200));
            assertEquals(1, fenced.inFlight());
            proxy.switchTo(newDb.endpoint()); // the 7 idle sessions are closed; the one in a transaction is not
            assertEquals(7, proxy.stats().closed(), proxy.stats().toString());
            try (Statement st = inTx.createStatement()) {
                st.executeUpdate("INSERT INTO rows_written VALUES (2, 0, 'single', 'x')");
                st.execute("COMMIT");
            }
            inTx.close();
            assertEquals(Set.of(1L, 2L), ids(oldDb), "the open transaction committed on the old server");
            copyRows(oldDb, newDb);
            proxy.release();
            long deadline = System.currentTimeMillis() + 5_000;
            while (oldDb.connectionsOf(AppDatabase.NOPASS_USER) > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, oldDb.connectionsOf(AppDatabase.NOPASS_USER), "all sessions left the old server");
            assertEquals(8, proxy.stats().closed(), proxy.stats().toString());

            Thread.sleep(600); // idle longer than HikariCP's validation bypass window: the pool validates on borrow
            app.start();
            Thread.sleep(1_000);
            app.stop();
            assertEquals(0, app.failed.get(), "failed client transactions: " + app.someFailures());
            assertTrue(app.committed.size() > 20);
            Set<Long> expected = new HashSet<>(app.committed);
            expected.addAll(Set.of(1L, 2L));
            assertEquals(expected, ids(newDb));
            assertEquals(0, oldDb.connectionsOf(AppDatabase.NOPASS_USER));
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting");
            Thread.sleep(20);
        }
    }

    private static void insert(Connection c, long id) {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO rows_written VALUES (" + id + ", 0, 'single', 'x')");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<Long> ids(AppDatabase db) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = db.root(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM rows_written")) {
            while (rs.next()) ids.add(rs.getLong(1));
        }
        return ids;
    }

    /** Copies the rows the target does not have yet (what the applier does before a switch). */
    private static void copyRows(AppDatabase from, AppDatabase to) throws SQLException {
        try (Connection src = from.root(); Connection dst = to.root();
             Statement read = src.createStatement();
             ResultSet rs = read.executeQuery("SELECT id, worker, kind, payload FROM rows_written");
             var write = dst.prepareStatement("INSERT IGNORE INTO rows_written VALUES (?, ?, ?, ?)")) {
            while (rs.next()) {
                write.setLong(1, rs.getLong(1));
                write.setInt(2, rs.getInt(2));
                write.setString(3, rs.getString(3));
                write.setString(4, rs.getString(4));
                write.addBatch();
            }
            write.executeBatch();
        }
    }
}

package io.paraverse.e2e;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.cutover.CutoverReport;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.DaemonService;
import io.paraverse.daemon.service.MigrationRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The cutover through the built-in proxy while a pooled application (HikariCP, default settings) writes through it:
 * a dry run changes nothing; a clone row that differs refuses the cutover before anything is held; a drain that
 * cannot finish (a big transaction committed as the fence waited for it) rolls back within the timeout with production writable again; the real
 * cutover moves every client to the clone. Throughout: no client transaction fails, and every committed row is on the
 * database the application ends on, once.
 */
class CutoverTest {
    @TempDir
    Path work;

    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final Set<Long> committedIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastCommittedId = new AtomicLong();

    @Test
    void cutoverThroughTheBuiltInProxyWithRefusalAndRollBackFirst() throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("cut-src"))) {
            ShopSplitFixture shop = new ShopSplitFixture(source, work);
            int proxyPort;
            try (ServerSocket s = new ServerSocket(0)) {
                proxyPort = s.getLocalPort();
            }
            Files.writeString(work.resolve("app.pw"), "app-secret-7f3a");
            Path yaml = shop.prepare("snapshot", 2000, 1000, String.join("\n",
                    "cutover: {switch: proxy, timeout: 4s, drain_timeout: 2s, max_drain: 3s, users: [app], verify_recent: 10000,",
                    "          proxy: {listen: '127.0.0.1:" + proxyPort + "', users: {app: 'file:app.pw'}}}",
                    "verify: {every: 'off'}"));
            source.execute("CREATE TABLE shop.orders (id BIGINT PRIMARY KEY AUTO_INCREMENT, customer INT NOT NULL, amount INT NOT NULL)",
                    // a trigger: held back at clone time (catch-up would fire it on replayed rows), created at cutover
                    "CREATE TABLE shop.audit (id BIGINT PRIMARY KEY AUTO_INCREMENT, order_id BIGINT NOT NULL)",
                    "CREATE TRIGGER shop.orders_audit AFTER INSERT ON shop.orders FOR EACH ROW"
                            + " INSERT INTO shop.audit (order_id) SELECT NEW.id FROM DUAL WHERE NEW.amount >= 0",
                    "INSERT INTO shop.orders (customer, amount) SELECT seq, seq FROM mysql.seq_1_to_500",
                    "CREATE USER 'app'@'%' IDENTIFIED BY 'app-secret-7f3a'",
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON shop.* TO 'app'@'%'");
            Path data = work.resolve("data");
            List<String> out = new ArrayList<>();
            try (DaemonService daemon = new DaemonService(data, (m, l) -> record(out, l), (m, t) -> { })) {
                daemon.startAll(List.of(yaml));
                MigrationRunner r = daemon.runner(ShopSplitFixture.NAME).orElseThrow();
                shop.startWriter();
                await(r, Phase.READY, 240, out);
                shop.stopWriter(); // it writes as root, around the proxy: such clients are not fenced (docs/CUTOVER.md)

                HikariConfig hc = new HikariConfig();
                hc.setJdbcUrl("jdbc:mariadb://127.0.0.1:" + proxyPort + "/shop");
                hc.setUsername("app");
                hc.setPassword("app-secret-7f3a");
                hc.setMaximumPoolSize(8);
                List<Thread> clients = new ArrayList<>();
                try (HikariDataSource pool = new HikariDataSource(hc)) {
                    writing.set(true);
                    for (int i = 0; i < 4; i++) {
                        int seed = i;
                        Thread t = new Thread(() -> clientLoop(pool, seed), "client-" + i);
                        t.start();
                        clients.add(t);
                    }
                    Thread.sleep(1500);
                    assertTrue(committed.get() > 10, "the application writes through the proxy");

                    // 1. a dry run: the plan, nothing changed
                    CutoverReport dry = cutover(r, true, null);
                    assertEquals(CutoverReport.Outcome.DRY_RUN_PASSED, dry.outcome(), dry.toString());
                    assertFalse(dry.plan().isEmpty());
                    assertEquals(Phase.READY, r.state().phase());
                    assertEquals(0, CutoverTestSupport.readOnly(source));

                    // 2. a clone row that differs (among the recently changed): refused before anything is held
                    long victim;
                    try (Connection clone = CutoverTestSupport.target(data); Statement st = clone.createStatement()) {
                        victim = lastCommittedId.get(); // among the most recently changed keys: the ones the cutover checks
                        awaitOnClone(clone, victim);
                        st.executeUpdate("UPDATE shop.orders SET amount = -1 WHERE id = " + victim);
                        CutoverReport refused = cutover(r, false, null);
                        assertEquals(CutoverReport.Outcome.REFUSED, refused.outcome(), refused.toString());
                        assertTrue(refused.reason().contains("recent verification") && refused.reason().contains("amount"), refused.reason());
                        assertEquals(Phase.READY, r.state().phase());
                        assertTrue(refused.steps().isEmpty(), "nothing was held: " + refused.steps());
                        try (Connection prod = source.connect("shop"); Statement ps = prod.createStatement();
                             ResultSet rs = ps.executeQuery("SELECT amount FROM orders WHERE id = " + victim)) {
                            rs.next();
                            st.executeUpdate("UPDATE shop.orders SET amount = " + rs.getInt(1) + " WHERE id = " + victim); // repaired
                        }
                    }

                    // 3. a big client transaction commits while the fence waits for it: the drain cannot finish within
                    //    the timeout, so the cutover rolls back, production writable again
                    try (Connection big = pool.getConnection(); Statement st = big.createStatement()) {
                        big.setAutoCommit(false);
                        st.executeUpdate("INSERT INTO orders (customer, amount) SELECT seq, -7 FROM seq_1_to_1500000");
                        CutoverReport rolledBack = null;
                        for (int attempt = 1; rolledBack == null; attempt++) {
                            for (int i = 0; i < 300 && !(r.status().lagSeconds() < 1); i++) {
                                Thread.sleep(100); // the machine was busy with the insert: let catch-up settle first
                            }
                            var asked = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                                try {
                                    return cutover(r, false, "3s");
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
                            if (awaitFence(proxyPort, asked)) { // the preconditions passed; the fence waits for the open transaction
                                big.commit();
                                rolledBack = asked.get(120, TimeUnit.SECONDS);
                            } else { // refused before the fence (a busy machine: lag, predicted drain): try again
                                CutoverReport refusedNow = asked.get();
                                assertEquals(CutoverReport.Outcome.REFUSED, refusedNow.outcome(), refusedNow.toString());
                                assertTrue(attempt < 5, "refused five times: " + refusedNow);
                                Thread.sleep(2000);
                            }
                        }
                        assertEquals(CutoverReport.Outcome.ROLLED_BACK, rolledBack.outcome(), rolledBack.toString());
                        assertTrue(rolledBack.reason().contains("timeout") || rolledBack.reason().contains("did not reach"), rolledBack.reason());
                        assertTrue(rolledBack.writeUnavailableMillis() < 5_000, rolledBack.toString());
                        assertEquals(Phase.CATCHING_UP, r.state().phase());
                        assertEquals(0, CutoverTestSupport.readOnly(source), "production is writable again");
                    }
                    await(r, Phase.READY, 120, out);
                    long before = committed.get();
                    Thread.sleep(500);
                    assertTrue(committed.get() > before, "clients carry on on production after the roll back");

                    try (Connection clone = CutoverTestSupport.target(data); Statement st = clone.createStatement();
                         ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'shop'")) {
                        rs.next();
                        assertEquals(0, rs.getInt(1), "no trigger on the clone while it catches up");
                    }

                    // 4. the cutover
                    CutoverReport done = cutover(r, false, null);
                    assertEquals(CutoverReport.Outcome.CUT_OVER, done.outcome(), done + "\n" + String.join("\n", out));
                    assertEquals(Phase.CUT_OVER, r.state().phase());
                    System.out.println("cutover: writes held " + done.writeUnavailableMillis() + " ms; steps " + done.steps());
                    long atCutover = committed.get();
                    Thread.sleep(1500);
                    assertTrue(committed.get() > atCutover, "clients carry on, now on the clone");
                    writing.set(false);
                    for (Thread t : clients) {
                        t.join(10_000);
                    }
                }
                assertEquals(0, failed.get(), "failed client transactions: " + failed.get() + " first: " + firstFailure.get());
                assertEquals(1, CutoverTestSupport.readOnly(source), "production stays fenced (retired)");
                try (Connection clone = CutoverTestSupport.target(data); Statement st = clone.createStatement();
                     ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM shop.audit),"
                             + " (SELECT COUNT(*) FROM shop.orders WHERE amount >= 0),"
                             + " (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'shop')")) {
                    rs.next();
                    assertEquals(1, rs.getInt(3), "the trigger was created at cutover");
                    assertEquals(rs.getLong(2), rs.getLong(1), "every order fired the audit trigger exactly once: on production"
                            + " before the cutover (its rows replicated), on the clone after it");
                }
                try (Connection clone = CutoverTestSupport.target(data); Statement st = clone.createStatement();
                     ResultSet rs = st.executeQuery("SELECT id FROM shop.orders WHERE id > 500 AND amount <> -7")) {
                    Set<Long> onClone = new java.util.HashSet<>();
                    // (the 1,500,000 rows of the big transaction, amount -7, are on the clone too: not the clients' orders)
                    while (rs.next()) {
                        onClone.add(rs.getLong(1));
                    }
                    assertEquals(committedIds, onClone, "every committed order is on the clone, and nothing else");
                }
            }
            String all = String.join("\n", out);
            assertFalse(all.contains("app-secret-7f3a"), "the application's password never appears in output");
        }
    }

    /** The application: short transactions (insert an order, raise another's amount), retried never. */
    private void clientLoop(HikariDataSource pool, int seed) {
        Random random = new Random(seed);
        while (writing.get()) {
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                long id;
                try (PreparedStatement ins = c.prepareStatement("INSERT INTO orders (customer, amount) VALUES (?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ins.setInt(1, 1 + random.nextInt(2000));
                    ins.setInt(2, random.nextInt(100));
                    ins.executeUpdate();
                    try (ResultSet k = ins.getGeneratedKeys()) {
                        k.next();
                        id = k.getLong(1);
                    }
                }
                try (PreparedStatement up = c.prepareStatement("UPDATE orders SET amount = amount + 1 WHERE id = ?")) {
                    up.setLong(1, 1 + random.nextInt(500));
                    up.executeUpdate();
                }
                c.commit();
                committedIds.add(id);
                lastCommittedId.accumulateAndGet(id, Math::max);
                committed.incrementAndGet();
            } catch (Exception e) {
                failed.incrementAndGet();
                firstFailure.compareAndSet(null, e);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * True once the proxy holds new work (a probe's SELECT 1 stops being answered at once); false if the cutover ended
     * first (refused before its fence).
     */
    private static boolean awaitFence(int proxyPort, java.util.concurrent.Future<?> cutover) throws Exception {
        Connection probe = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + proxyPort + "/shop", "app", "app-secret-7f3a");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline && !cutover.isDone()) {
            var answered = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try (Statement st = probe.createStatement()) {
                    st.execute("SELECT 1");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try {
                answered.get(300, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException held) {
                answered.whenComplete((x, e) -> {
                    try {
                        probe.close();
                    } catch (Exception ignored) {
                        // the probe is done either way
                    }
                });
                return true;
            }
            Thread.sleep(10);
        }
        probe.close();
        assertTrue(cutover.isDone(), "the proxy never held new work and the cutover did not end");
        return false;
    }

    private static CutoverReport cutover(MigrationRunner r, boolean dryRun, String timeout) throws Exception {
        r.submit(new MigrationRunner.Cutover(dryRun, timeout == null ? null : io.paraverse.daemon.migration.config.Durations.parse(timeout)))
                .get(120, TimeUnit.SECONDS);
        return r.migration().lastCutover();
    }

    private static void await(MigrationRunner r, Phase phase, int seconds, List<String> out) throws InterruptedException {
        AwaitPhase.of(r, phase, seconds, out);
    }

    private static void awaitOnClone(Connection clone, long id) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Statement st = clone.createStatement(); ResultSet rs = st.executeQuery("SELECT 1 FROM shop.orders WHERE id = " + id)) {
                if (rs.next()) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        fail("order " + id + " never reached the clone");
    }



    private static void record(List<String> out, String line) {
        synchronized (out) {
            out.add(line);
        }
    }
}

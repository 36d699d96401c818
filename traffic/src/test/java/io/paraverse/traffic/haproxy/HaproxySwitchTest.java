package io.paraverse.traffic.haproxy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitchException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HaproxySwitch against a real HAProxy in front of two real MariaDB servers (production and clone). */
class HaproxySwitchTest {
    private static final String PASSWORD = "haproxy-test-pw";
    private static Path haproxyBinary;
    private static MariaDbServer production;
    private static MariaDbServer clone;

    private HaproxyProcess haproxy;

    @BeforeAll
    static void servers() throws Exception {
        Optional<Path> binary = HaproxyProcess.binary();
        Assumptions.assumeTrue(binary.isPresent(), "SKIPPED: no haproxy program on PATH or in /usr/sbin, and"
                + " bin/ensure-prerequisites could not install it (run: apt-get install -y haproxy)");
        haproxyBinary = binary.get();
        production = MariaDbServer.start(MariaDbOptions.target("haproxy-production").rootPassword(PASSWORD));
        clone = MariaDbServer.start(MariaDbOptions.target("haproxy-clone").rootPassword(PASSWORD));
        for (MariaDbServer s : List.of(production, clone)) {
            // the user HAProxy's 'option mysql-check' logs in as (no password, no rights)
            s.execute("CREATE USER 'haproxy_check'@'127.0.0.1'", "CREATE USER 'haproxy_check'@'localhost'");
        }
    }

    @AfterAll
    static void stopServers() {
        if (production != null) {
            production.close();
        }
        if (clone != null) {
            clone.close();
        }
    }

    @BeforeEach
    void startHaproxy() throws Exception {
        haproxy = HaproxyProcess.start(haproxyBinary, List.of(
                "production 127.0.0.1:" + production.port() + " check inter 200ms rise 1 fall 2",
                "clone 127.0.0.1:" + clone.port() + " check inter 200ms rise 1 fall 2 disabled"));
        awaitUp("production");
    }

    @AfterEach
    void stopHaproxy() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
    }

    @Test
    void checkPassesAndClientsReachProductionThroughHaproxy() throws Exception {
        switchFor("db", "production", "clone").check();
        new HaproxySwitch(new HaproxySwitchConfig(haproxy.adminTcp(), "db", "production", "clone")).check();
        try (Connection c = connectThroughHaproxy()) {
            assertEquals(production.port(), serverPort(c));
        }
    }

    @Test
    void fenceDrainsProductionAndWaitsForItsSessions() throws Exception {
        HaproxySwitch sw = switchFor("db", "production", "clone");
        sw.check();
        Connection open = connectThroughHaproxy();
        assertEquals(production.port(), serverPort(open));

        FenceResult notDrained = sw.fence(Duration.ofMillis(400));
        assertFalse(notDrained.drained(), "a session is still open on production");
        assertEquals(1, notDrained.inFlight());
        assertFalse(notDrained.holdsClients());
        assertEquals("DRAIN", stat("production").status());
        assertThrows(SQLException.class, this::connectThroughHaproxy, "production drains, the clone is in"
                + " maintenance: HAProxy has no server for a new connection");
        assertEquals(production.port(), serverPort(open), "sessions already open keep working while draining");

        // fencing again (safe after a failure) returns once the last session ends
        CompletableFuture<Void> closer = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(600);
                open.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        FenceResult drained = sw.fence(Duration.ofSeconds(20));
        closer.join();
        assertTrue(drained.drained());
        assertEquals(0, drained.inFlight());
        assertTrue(drained.waited().toMillis() >= 400, "waited " + drained.waited());
        assertTrue(drained.waited().toMillis() < 10_000, "waited " + drained.waited());
    }

    @Test
    void switchToCloneMovesNewConnectionsAndShutsIdleOnesThenRollsBack() throws Exception {
        HaproxySwitch sw = switchFor("db", "production", "clone");
        sw.check();
        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(haproxyUrl());
        pool.setUsername("root");
        pool.setPassword(PASSWORD);
        pool.setMaximumPoolSize(2);
        try (HikariDataSource ds = new HikariDataSource(pool);
             Connection idle = connectThroughHaproxy()) {
            try (Connection c = ds.getConnection()) {
                assertEquals(production.port(), serverPort(c));
            }
            assertEquals(production.port(), serverPort(idle));
            sw.fence(Duration.ofMillis(300));

            sw.switchTo(new Endpoint("127.0.0.1", clone.port()));
            sw.release();
            assertEquals("MAINT", stat("production").status());
            assertTrue(stat("clone").isUp(), stat("clone").status());
            assertThrows(SQLException.class, () -> serverPort(idle), "the idle session on production was shut");
            try (Connection c = connectThroughHaproxy()) {
                assertEquals(clone.port(), serverPort(c));
            }
            Thread.sleep(600); // past HikariCP's 500 ms window without validation on borrow
            try (Connection c = ds.getConnection()) {
                assertEquals(clone.port(), serverPort(c), "the pool validated its shut connection and reconnected");
            }

            Connection onClone = connectThroughHaproxy();
            sw.switchTo(new Endpoint("127.0.0.1", production.port()));
            sw.release();
            assertEquals("MAINT", stat("clone").status());
            assertThrows(SQLException.class, () -> serverPort(onClone), "the session on the clone was shut");
            try (Connection c = connectThroughHaproxy()) {
                assertEquals(production.port(), serverPort(c));
            }
            onClone.close();
        }
    }

    @Test
    void rollbackAfterFenceWithoutSwitchPutsProductionBack() throws Exception {
        HaproxySwitch sw = switchFor("db", "production", "clone");
        sw.fence(Duration.ofMillis(100));
        assertEquals("DRAIN", stat("production").status());
        sw.switchTo(new Endpoint("127.0.0.1", production.port()));
        sw.release();
        assertTrue(stat("production").isUp(), stat("production").status());
        assertEquals("MAINT", stat("clone").status());
        try (Connection c = connectThroughHaproxy()) {
            assertEquals(production.port(), serverPort(c));
        }
    }

    @Test
    void errorsNameTheSocketBackendServerAndWhatWentWrong() throws Exception {
        String socket = haproxy.adminSocket().toString();
        TrafficSwitchException noBackend = assertThrows(TrafficSwitchException.class,
                () -> switchFor("nodb", "production", "clone").check());
        assertTrue(noBackend.getMessage().contains("no backend 'nodb'"), noBackend.getMessage());
        assertTrue(noBackend.getMessage().contains(socket), noBackend.getMessage());
        assertTrue(noBackend.getMessage().contains("backends there: [db]"), noBackend.getMessage());

        TrafficSwitchException noServer = assertThrows(TrafficSwitchException.class,
                () -> switchFor("db", "primary", "clone").check());
        assertTrue(noServer.getMessage().contains("has no server 'primary'"), noServer.getMessage());
        assertTrue(noServer.getMessage().contains("[production, clone]"), noServer.getMessage());

        TrafficSwitchException fenceNoServer = assertThrows(TrafficSwitchException.class,
                () -> switchFor("db", "primary", "clone").fence(Duration.ofSeconds(1)));
        assertTrue(fenceNoServer.getMessage().contains("'set server db/primary state drain' failed (fence),"
                + " HAProxy answered: No such server."), fenceNoServer.getMessage());

        TrafficSwitchException unknownTarget = assertThrows(TrafficSwitchException.class,
                () -> switchFor("db", "production", "clone").switchTo(new Endpoint("127.0.0.1", 1)));
        assertTrue(unknownTarget.getMessage().contains("neither server has that address"), unknownTarget.getMessage());
        assertEquals("MAINT", stat("clone").status(), "nothing changed");

        String missing = haproxy.adminSocket().resolveSibling("missing.sock").toString();
        TrafficSwitchException unreachable = assertThrows(TrafficSwitchException.class,
                () -> new HaproxySwitch(new HaproxySwitchConfig(missing, "db", "production", "clone")).check());
        assertTrue(unreachable.getMessage().contains("cannot run 'show stat' on stats socket " + missing),
                unreachable.getMessage());

        // the clone taking traffic already is refused before anything is blocked
        new HaproxyRuntimeApi(socket, Duration.ofSeconds(2)).execute("set server db/clone state ready");
        TrafficSwitchException split = assertThrows(TrafficSwitchException.class,
                () -> switchFor("db", "production", "clone").check());
        assertTrue(split.getMessage().contains("may already send clients to the clone"), split.getMessage());
    }

    private HaproxySwitch switchFor(String backend, String productionServer, String cloneServer) {
        return new HaproxySwitch(new HaproxySwitchConfig(haproxy.adminSocket().toString(), backend, productionServer,
                cloneServer, Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    private HaproxyServerStat stat(String server) throws Exception {
        String answer = new HaproxyRuntimeApi(haproxy.adminSocket().toString(), Duration.ofSeconds(2))
                .execute("show stat");
        return HaproxyServerStat.parse(answer).stream()
                .filter(s -> s.backend().equals("db") && s.server().equals(server)).findFirst().orElseThrow();
    }

    private void awaitUp(String server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!stat(server).isUp()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(server + " not UP in HAProxy: " + stat(server) + "\n" + haproxy.log());
            }
            Thread.sleep(50);
        }
    }

    private String haproxyUrl() {
        return "jdbc:mariadb://127.0.0.1:" + haproxy.port() + "/?connectTimeout=3000&socketTimeout=5000";
    }

    private Connection connectThroughHaproxy() throws SQLException {
        return DriverManager.getConnection(haproxyUrl(), "root", PASSWORD);
    }

    private static int serverPort(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@port")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

package io.paraverse.traffic.proxysql;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitchException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ProxySqlSwitch without a ProxySQL (none in Debian 12): the exact statements it sends at each step, in order, and
 * their effect on ProxySQL's admin tables recreated on a real MariaDB ({@link ProxySqlAdminOnMariaDb}).
 */
class ProxySqlSwitchTest {
    private static final Endpoint PRODUCTION = new Endpoint("10.0.0.1", 3306);
    private static final Endpoint CLONE = new Endpoint("10.0.0.2", 3307);
    private static final String PROD_ROW = "hostgroup_id IN (10, 20) AND hostname='10.0.0.1' AND port=3306";
    private static final String CLONE_ROW = "hostgroup_id IN (10, 20) AND hostname='10.0.0.2' AND port=3307";
    private static final String CHECK_REPLICATION = "SELECT writer_hostgroup, reader_hostgroup FROM"
            + " runtime_mysql_replication_hostgroups WHERE writer_hostgroup IN (10, 20)";
    private static final String RUNTIME = "SELECT hostgroup_id, hostname, port, status FROM runtime_mysql_servers"
            + " WHERE hostgroup_id IN (10, 20) ORDER BY hostgroup_id, hostname, port";
    private static final String CONN_USED = "SELECT COALESCE(SUM(ConnUsed), 0) FROM stats_mysql_connection_pool"
            + " WHERE hostgroup IN (10, 20) AND srv_host='10.0.0.1' AND srv_port=3306";
    private static final String SERVERS = "SELECT hostgroup_id, hostname, port, status, weight, max_connections,"
            + " comment FROM %s ORDER BY hostgroup_id, hostname, port";

    private static MariaDbServer mariadb;
    private ProxySqlAdminOnMariaDb admin;
    private ProxySqlSwitch proxysql;

    @BeforeAll
    static void start() {
        mariadb = MariaDbServer.start(MariaDbOptions.target("proxysql-admin"));
    }

    @AfterAll
    static void stop() {
        if (mariadb != null) {
            mariadb.close();
        }
    }

    @BeforeEach
    void adminTables() {
        admin = new ProxySqlAdminOnMariaDb(mariadb, "proxysql_admin");
        // writer hostgroups 10 and 20: production in both; the clone registered in 10 only, offline
        admin.sql("INSERT INTO mysql_servers (hostgroup_id, hostname, port, status, weight, max_connections) VALUES"
                        + " (10, '10.0.0.1', 3306, 'ONLINE', 5, 300), (20, '10.0.0.1', 3306, 'ONLINE', 7, 400),"
                        + " (10, '10.0.0.2', 3307, 'OFFLINE_HARD', 1, 1000), (30, '10.0.0.9', 3306, 'ONLINE', 1, 50)",
                "INSERT INTO stats_mysql_connection_pool (hostgroup, srv_host, srv_port, status, ConnUsed, ConnFree)"
                        + " VALUES (10, '10.0.0.1', 3306, 'ONLINE', 2, 5), (20, '10.0.0.1', 3306, 'ONLINE', 1, 3),"
                        + " (30, '10.0.0.9', 3306, 'ONLINE', 9, 0)");
        admin.loadToRuntime();
        proxysql = switchFor(mariadb.port(), mariadb.password());
    }

    private ProxySqlSwitch switchFor(int adminPort, String password) {
        ProxySqlSwitchConfig config = new ProxySqlSwitchConfig(new Endpoint("127.0.0.1", adminPort), "root",
                () -> password, List.of(10, 20), PRODUCTION, CLONE, null, Duration.ofMillis(50));
        return new ProxySqlSwitch(config, admin.connector(config));
    }

    @Test
    void checkReadsTheRuntimeWriterHostgroups() throws Exception {
        proxysql.check();
        assertEquals(List.of(CHECK_REPLICATION, RUNTIME), admin.takeStatements());

        admin.sql("UPDATE mysql_servers SET status='ONLINE' WHERE hostgroup_id=10 AND hostname='10.0.0.2'");
        admin.loadToRuntime();
        TrafficSwitchException split = assertThrows(TrafficSwitchException.class, proxysql::check);
        assertTrue(split.getMessage().contains("the clone 10.0.0.2:3307 is ONLINE in writer hostgroup 10"),
                split.getMessage());

        admin.sql("UPDATE mysql_servers SET status='OFFLINE_HARD' WHERE hostgroup_id=10 AND hostname='10.0.0.2'",
                "DELETE FROM mysql_servers WHERE hostgroup_id=20 AND hostname='10.0.0.1'");
        admin.loadToRuntime();
        TrafficSwitchException missing = assertThrows(TrafficSwitchException.class, proxysql::check);
        assertTrue(missing.getMessage().contains("production 10.0.0.1:3306 is not in writer hostgroup 20 at runtime"),
                missing.getMessage());

        admin.sql("INSERT INTO runtime_mysql_replication_hostgroups (writer_hostgroup, reader_hostgroup)"
                + " VALUES (10, 11)");
        TrafficSwitchException managed = assertThrows(TrafficSwitchException.class, proxysql::check);
        assertTrue(managed.getMessage().contains("managed by mysql_replication_hostgroups [[10, 11]]"),
                managed.getMessage());
    }

    @Test
    void fenceSetsProductionOfflineSoftAndWaitsForItsConnectionsInUse() throws Exception {
        FenceResult timedOut = proxysql.fence(Duration.ofMillis(300));
        assertFalse(timedOut.drained());
        assertEquals(3, timedOut.inFlight(), "ConnUsed of production in hostgroups 10 and 20, not 30");
        assertFalse(timedOut.holdsClients());
        List<String> sent = admin.takeStatements();
        assertEquals(List.of("UPDATE mysql_servers SET status='OFFLINE_SOFT' WHERE " + PROD_ROW,
                "LOAD MYSQL SERVERS TO RUNTIME"), sent.subList(0, 2));
        assertTrue(sent.size() >= 4, "polled ConnUsed more than once: " + sent);
        assertTrue(sent.subList(2, sent.size()).stream().allMatch(CONN_USED::equals), sent.toString());
        assertEquals(List.of("10 10.0.0.1 3306 OFFLINE_SOFT", "10 10.0.0.2 3307 OFFLINE_HARD",
                        "20 10.0.0.1 3306 OFFLINE_SOFT", "30 10.0.0.9 3306 ONLINE"),
                admin.rows("SELECT hostgroup_id, hostname, port, status FROM runtime_mysql_servers"
                        + " ORDER BY hostgroup_id, hostname, port"));

        CompletableFuture<Void> finish = CompletableFuture.runAsync(() -> {
            sleep(500);
            admin.sql("UPDATE stats_mysql_connection_pool SET ConnUsed=0 WHERE srv_host='10.0.0.1'");
        });
        FenceResult drained = proxysql.fence(Duration.ofSeconds(20));
        finish.join();
        assertTrue(drained.drained());
        assertEquals(0, drained.inFlight());
        assertTrue(drained.waited().toMillis() >= 400, "waited " + drained.waited());
        assertTrue(drained.waited().toMillis() < 10_000, "waited " + drained.waited());
    }

    @Test
    void switchToCloneThenBackToProduction() throws Exception {
        proxysql.fence(Duration.ofMillis(1));
        admin.takeStatements();

        proxysql.switchTo(new Endpoint("10.0.0.2", 3307));
        assertEquals(List.of(
                "SELECT hostgroup_id FROM mysql_servers WHERE " + CLONE_ROW,
                "INSERT INTO mysql_servers (hostgroup_id, hostname, port, status, weight, compression, max_connections,"
                        + " max_replication_lag, use_ssl, max_latency_ms, comment) SELECT hostgroup_id, '10.0.0.2',"
                        + " 3307, 'OFFLINE_HARD', weight, compression, max_connections, max_replication_lag, use_ssl,"
                        + " max_latency_ms, 'added by paraverse cutover' FROM mysql_servers WHERE hostgroup_id=20 AND"
                        + " hostname='10.0.0.1' AND port=3306",
                "UPDATE mysql_servers SET status='ONLINE' WHERE " + CLONE_ROW,
                "UPDATE mysql_servers SET status='OFFLINE_HARD' WHERE " + PROD_ROW,
                "LOAD MYSQL SERVERS TO RUNTIME",
                "SAVE MYSQL SERVERS TO DISK",
                RUNTIME), admin.takeStatements());
        List<String> onClone = List.of(
                "10 10.0.0.1 3306 OFFLINE_HARD 5 300 ",
                "10 10.0.0.2 3307 ONLINE 1 1000 ",
                "20 10.0.0.1 3306 OFFLINE_HARD 7 400 ",
                "20 10.0.0.2 3307 ONLINE 7 400 added by paraverse cutover",
                "30 10.0.0.9 3306 ONLINE 1 50 ");
        assertEquals(onClone, admin.rows(String.format(SERVERS, "mysql_servers")));
        assertEquals(onClone, admin.rows(String.format(SERVERS, "runtime_mysql_servers")));
        assertEquals(onClone, admin.rows(String.format(SERVERS, "disk_mysql_servers")));

        proxysql.release();
        assertEquals(List.of(RUNTIME), admin.takeStatements(), "already ONLINE: release changes nothing");

        proxysql.switchTo(PRODUCTION);
        assertEquals(List.of(
                "SELECT hostgroup_id FROM mysql_servers WHERE " + PROD_ROW,
                "UPDATE mysql_servers SET status='ONLINE' WHERE " + PROD_ROW,
                "UPDATE mysql_servers SET status='OFFLINE_HARD' WHERE " + CLONE_ROW,
                "LOAD MYSQL SERVERS TO RUNTIME",
                "SAVE MYSQL SERVERS TO DISK",
                RUNTIME), admin.takeStatements());
        List<String> onProduction = List.of(
                "10 10.0.0.1 3306 ONLINE 5 300 ",
                "10 10.0.0.2 3307 OFFLINE_HARD 1 1000 ",
                "20 10.0.0.1 3306 ONLINE 7 400 ",
                "20 10.0.0.2 3307 OFFLINE_HARD 7 400 added by paraverse cutover",
                "30 10.0.0.9 3306 ONLINE 1 50 ");
        assertEquals(onProduction, admin.rows(String.format(SERVERS, "runtime_mysql_servers")));
        assertEquals(onProduction, admin.rows(String.format(SERVERS, "disk_mysql_servers")));
    }

    @Test
    void releaseAfterAFenceThatWasNotFollowedByASwitchPutsProductionBackOnline() throws Exception {
        proxysql.fence(Duration.ofMillis(1));
        admin.takeStatements();
        proxysql.release();
        assertEquals(List.of(RUNTIME,
                "UPDATE mysql_servers SET status='ONLINE' WHERE " + PROD_ROW,
                "LOAD MYSQL SERVERS TO RUNTIME",
                "SAVE MYSQL SERVERS TO DISK"), admin.takeStatements());
        assertEquals(List.of("10 10.0.0.1 3306 ONLINE", "10 10.0.0.2 3307 OFFLINE_HARD", "20 10.0.0.1 3306 ONLINE"),
                admin.rows("SELECT hostgroup_id, hostname, port, status FROM runtime_mysql_servers"
                        + " WHERE hostgroup_id IN (10, 20) ORDER BY hostgroup_id, hostname, port"));
        proxysql.check();
    }

    @Test
    void errorsNameTheAdminInterfaceTheStepAndTheStatementButNeverThePassword() throws Exception {
        TrafficSwitchException unknown = assertThrows(TrafficSwitchException.class,
                () -> proxysql.switchTo(new Endpoint("10.0.0.3", 3306)));
        assertTrue(unknown.getMessage().contains("neither production 10.0.0.1:3306 nor the clone 10.0.0.2:3307"),
                unknown.getMessage());
        assertEquals(List.of(), admin.takeStatements(), "nothing sent");

        admin.sql("DROP TABLE stats_mysql_connection_pool");
        TrafficSwitchException failed = assertThrows(TrafficSwitchException.class,
                () -> proxysql.fence(Duration.ofSeconds(1)));
        assertTrue(failed.getMessage().startsWith("proxysql: '" + CONN_USED + "' failed on the admin interface 127.0.0.1:"
                + mariadb.port() + " (fence): "), failed.getMessage());
        assertTrue(failed.getMessage().contains("stats_mysql_connection_pool' doesn't exist"), failed.getMessage());

        String wrongPassword = "not-the-password-42";
        TrafficSwitchException denied = assertThrows(TrafficSwitchException.class,
                () -> switchFor(mariadb.port(), wrongPassword).check());
        assertTrue(denied.getMessage().contains("cannot connect to the admin interface 127.0.0.1:" + mariadb.port()
                + " as root (check)"), denied.getMessage());
        assertFalse(denied.getMessage().contains(wrongPassword), denied.getMessage());

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        TrafficSwitchException unreachable = assertThrows(TrafficSwitchException.class,
                () -> switchFor(closedPort, mariadb.password()).check());
        assertTrue(unreachable.getMessage().contains("cannot connect to the admin interface 127.0.0.1:" + closedPort),
                unreachable.getMessage());
        assertFalse(unreachable.getMessage().contains(mariadb.password()), unreachable.getMessage());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.paraverse.traffic.proxysql;

import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitch;
import io.paraverse.traffic.TrafficSwitchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Moves clients between production and the clone in ProxySQL's writer hostgroup(s), through its admin interface.
 * <ul>
 * <li>check: production is ONLINE in every writer hostgroup at runtime, the clone is not (it would already get
 * writes), and no {@code mysql_replication_hostgroups} entry manages those hostgroups (its monitor would move servers
 * by read_only behind our back).</li>
 * <li>fence: production goes OFFLINE_SOFT (ProxySQL stops giving it new work, lets the connections in use finish)
 * and we wait for its ConnUsed in {@code stats_mysql_connection_pool} to reach 0.</li>
 * <li>switchTo: the target ONLINE (its row added if missing, settings copied from the other's row), the other
 * OFFLINE_HARD (ProxySQL closes its connections), loaded to runtime and saved to disk, then read back from
 * runtime.</li>
 * <li>release: the current server ONLINE at runtime (already so after switchTo).</li>
 * </ul>
 */
public final class ProxySqlSwitch implements TrafficSwitch {
    private static final Logger log = LoggerFactory.getLogger(ProxySqlSwitch.class);
    static final String LOAD = "LOAD MYSQL SERVERS TO RUNTIME";
    static final String SAVE = "SAVE MYSQL SERVERS TO DISK";

    private final ProxySqlSwitchConfig config;
    private final AdminConnection.Connector connector;
    private final String hostgroups;
    /** Where clients should go now: production until a switch to the clone. */
    private volatile Endpoint current;

    public ProxySqlSwitch(ProxySqlSwitchConfig config) {
        this(config, JdbcAdminConnection.connector(config));
    }

    public ProxySqlSwitch(ProxySqlSwitchConfig config, AdminConnection.Connector connector) {
        this.config = config;
        this.connector = connector;
        this.hostgroups = config.writerHostgroups().stream().map(String::valueOf).collect(Collectors.joining(", "));
        this.current = config.productionServer();
    }

    @Override
    public String name() {
        return "proxysql";
    }

    @Override
    public void check() throws TrafficSwitchException {
        try (Session s = open("check")) {
            List<List<String>> managed = s.query("SELECT writer_hostgroup, reader_hostgroup FROM"
                    + " runtime_mysql_replication_hostgroups WHERE writer_hostgroup IN (" + hostgroups + ")");
            if (!managed.isEmpty()) {
                throw new TrafficSwitchException("proxysql: writer hostgroup(s) " + hostgroups + " on " + config.admin()
                        + " are managed by mysql_replication_hostgroups " + managed + ": ProxySQL's monitor moves"
                        + " servers between hostgroups by read_only itself and would undo or race the cutover; remove"
                        + " that entry or use another switch");
            }
            List<ServerRow> rows = runtimeServers(s);
            for (int hostgroup : config.writerHostgroups()) {
                String production = statusOf(rows, hostgroup, config.productionServer());
                if (!"ONLINE".equals(production)) {
                    throw new TrafficSwitchException("proxysql: production " + config.productionServer() + " is "
                            + (production == null ? "not in" : production + " in") + " writer hostgroup " + hostgroup
                            + " at runtime on " + config.admin() + " (runtime rows: " + rows + "); clients do not"
                            + " reach production through ProxySQL: check the hostgroup ids and the production"
                            + " hostname/port against mysql_servers");
                }
                if ("ONLINE".equals(statusOf(rows, hostgroup, config.cloneServer()))) {
                    throw new TrafficSwitchException("proxysql: the clone " + config.cloneServer() + " is ONLINE in writer"
                            + " hostgroup " + hostgroup + " on " + config.admin() + ": ProxySQL may already send it"
                            + " writes; set it OFFLINE_HARD (or delete its row) and LOAD MYSQL SERVERS TO RUNTIME");
                }
            }
            log.info("proxysql: {}: production {} ONLINE in writer hostgroup(s) {}", config.admin(),
                    config.productionServer(), hostgroups);
        }
    }

    @Override
    public FenceResult fence(Duration timeout) throws TrafficSwitchException, InterruptedException {
        long start = System.nanoTime();
        try (Session s = open("fence")) {
            s.execute("UPDATE mysql_servers SET status='OFFLINE_SOFT' WHERE " + rowOf(config.productionServer()));
            s.execute(LOAD);
            log.info("proxysql: production {} OFFLINE_SOFT in writer hostgroup(s) {}; waiting up to {} ms for its"
                    + " connections in use to be returned", config.productionServer(), hostgroups, timeout.toMillis());
            String inUse = "SELECT COALESCE(SUM(ConnUsed), 0) FROM stats_mysql_connection_pool WHERE hostgroup IN ("
                    + hostgroups + ") AND srv_host='" + config.productionServer().host() + "' AND srv_port="
                    + config.productionServer().port();
            long deadline = start + timeout.toNanos();
            while (true) {
                int used = Integer.parseInt(s.query(inUse).get(0).get(0));
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (used == 0 || System.nanoTime() >= deadline) {
                    log.info("proxysql: production {} has {} connection(s) in use after {} ms", config.productionServer(),
                            used, waited.toMillis());
                    return new FenceResult(used == 0, used, waited, false);
                }
                Thread.sleep(config.pollInterval().toMillis());
            }
        }
    }

    @Override
    public void switchTo(Endpoint target) throws TrafficSwitchException {
        Endpoint out;
        if (same(target, config.cloneServer())) {
            target = config.cloneServer();
            out = config.productionServer();
        } else if (same(target, config.productionServer())) {
            target = config.productionServer();
            out = config.cloneServer();
        } else {
            throw new TrafficSwitchException("proxysql: cannot switch to " + target + ": it is neither production "
                    + config.productionServer() + " nor the clone " + config.cloneServer() + " of the switch configuration");
        }
        try (Session s = open("switch")) {
            Set<Integer> present = new TreeSet<>();
            for (List<String> row : s.query("SELECT hostgroup_id FROM mysql_servers WHERE " + rowOf(target))) {
                present.add(Integer.parseInt(row.get(0)));
            }
            for (int hostgroup : config.writerHostgroups()) {
                if (!present.contains(hostgroup)) {
                    s.execute(insertCopy(hostgroup, target, out));
                }
            }
            s.execute("UPDATE mysql_servers SET status='ONLINE' WHERE " + rowOf(target));
            s.execute("UPDATE mysql_servers SET status='OFFLINE_HARD' WHERE " + rowOf(out));
            s.execute(LOAD);
            s.execute(SAVE);
            List<ServerRow> rows = runtimeServers(s);
            for (int hostgroup : config.writerHostgroups()) {
                if (!"ONLINE".equals(statusOf(rows, hostgroup, target))
                        || "ONLINE".equals(statusOf(rows, hostgroup, out))) {
                    throw new TrafficSwitchException("proxysql: after switching to " + target + " on "
                            + config.admin() + ", writer hostgroup " + hostgroup + " at runtime is " + rows
                            + ": expected " + target + " ONLINE and " + out + " not");
                }
            }
            current = target;
            log.info("proxysql: writer hostgroup(s) {} now send clients to {}; {} OFFLINE_HARD (its connections"
                    + " closed); saved to disk", hostgroups, target, out);
        }
    }

    @Override
    public void release() throws TrafficSwitchException {
        Endpoint server = current;
        try (Session s = open("release")) {
            List<ServerRow> rows = runtimeServers(s);
            boolean online = config.writerHostgroups().stream()
                    .allMatch(hg -> "ONLINE".equals(statusOf(rows, hg, server)));
            if (!online) {
                s.execute("UPDATE mysql_servers SET status='ONLINE' WHERE " + rowOf(server));
                s.execute(LOAD);
                s.execute(SAVE);
            }
            log.info("proxysql: release: {} ONLINE in writer hostgroup(s) {} (ProxySQL holds no clients)", server,
                    hostgroups);
        }
    }

    /** A copy of the other server's row (weight, limits, TLS) for a server missing from a writer hostgroup. */
    private String insertCopy(int hostgroup, Endpoint server, Endpoint from) {
        return "INSERT INTO mysql_servers (hostgroup_id, hostname, port, status, weight, compression, max_connections,"
                + " max_replication_lag, use_ssl, max_latency_ms, comment) SELECT hostgroup_id, '" + server.host()
                + "', " + server.port() + ", 'OFFLINE_HARD', weight, compression, max_connections, max_replication_lag,"
                + " use_ssl, max_latency_ms, 'added by paraverse cutover' FROM mysql_servers WHERE hostgroup_id="
                + hostgroup + " AND hostname='" + from.host() + "' AND port=" + from.port();
    }

    private String rowOf(Endpoint server) {
        return "hostgroup_id IN (" + hostgroups + ") AND hostname='" + server.host() + "' AND port=" + server.port();
    }

    private List<ServerRow> runtimeServers(Session s) throws TrafficSwitchException {
        List<ServerRow> rows = new ArrayList<>();
        for (List<String> r : s.query("SELECT hostgroup_id, hostname, port, status FROM runtime_mysql_servers"
                + " WHERE hostgroup_id IN (" + hostgroups + ") ORDER BY hostgroup_id, hostname, port")) {
            rows.add(new ServerRow(Integer.parseInt(r.get(0)), r.get(1), Integer.parseInt(r.get(2)), r.get(3)));
        }
        return rows;
    }

    private static String statusOf(List<ServerRow> rows, int hostgroup, Endpoint server) {
        return rows.stream().filter(r -> r.hostgroup() == hostgroup && same(new Endpoint(r.host(), r.port()), server))
                .map(ServerRow::status).findFirst().orElse(null);
    }

    private static boolean same(Endpoint a, Endpoint b) {
        return a.port() == b.port() && a.host().equalsIgnoreCase(b.host());
    }

    private Session open(String step) throws TrafficSwitchException {
        try {
            return new Session(connector.open(), step);
        } catch (SQLException e) {
            throw new TrafficSwitchException("proxysql: cannot connect to the admin interface " + config.admin()
                    + " as " + config.user() + " (" + step + "): " + e.getMessage() + "; check that ProxySQL runs,"
                    + " its admin-mysql_ifaces, and the admin credentials", e);
        }
    }

    private record ServerRow(int hostgroup, String host, int port, String status) {
        @Override
        public String toString() {
            return "hostgroup " + hostgroup + " " + host + ":" + port + " " + status;
        }
    }

    /** One admin session for one step: every failure names the step and the statement. */
    private final class Session implements AutoCloseable {
        private final AdminConnection connection;
        private final String step;

        Session(AdminConnection connection, String step) {
            this.connection = connection;
            this.step = step;
        }

        List<List<String>> query(String sql) throws TrafficSwitchException {
            try {
                return connection.query(sql);
            } catch (SQLException e) {
                throw failed(sql, e);
            }
        }

        void execute(String sql) throws TrafficSwitchException {
            try {
                connection.execute(sql);
                log.debug("proxysql: {}: {}", step, sql);
            } catch (SQLException e) {
                throw failed(sql, e);
            }
        }

        private TrafficSwitchException failed(String sql, SQLException e) {
            return new TrafficSwitchException("proxysql: '" + sql + "' failed on the admin interface "
                    + config.admin() + " (" + step + "): " + e.getMessage(), e);
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("proxysql: closing the admin session: {}", e.getMessage());
            }
        }
    }
}

package io.paraverse.traffic.proxysql;

import io.paraverse.cloud.local.MariaDbServer;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for ProxySQL's admin interface where there is no ProxySQL: a database on a real MariaDB server with
 * ProxySQL's admin tables in their documented shapes (ProxySQL 2.x), reached through the real
 * {@link JdbcAdminConnection}. Every statement the switch sends is recorded in order and run on MariaDB, so the SQL
 * must parse and its effect on the tables can be compared. ProxySQL's own commands do not exist in MariaDB: they are
 * recorded and their documented effect emulated: {@code LOAD MYSQL SERVERS TO RUNTIME} copies mysql_servers to
 * runtime_mysql_servers, {@code SAVE MYSQL SERVERS TO DISK} copies it to disk_mysql_servers (ProxySQL's
 * disk.mysql_servers).
 */
final class ProxySqlAdminOnMariaDb {
    // ProxySQL 2.x's definitions; MariaDB wants a column's CHECK after its NOT NULL / DEFAULT, and VARCHAR lengths
    private static final String SERVERS_COLUMNS = """
            (hostgroup_id INT NOT NULL DEFAULT 0 CHECK (hostgroup_id>=0),
             hostname VARCHAR(255) NOT NULL,
             port INT NOT NULL DEFAULT 3306 CHECK (port >= 0 AND port <= 65535),
             gtid_port INT NOT NULL DEFAULT 0
               CHECK ((gtid_port <> port OR gtid_port=0) AND gtid_port >= 0 AND gtid_port <= 65535),
             status VARCHAR(20) NOT NULL DEFAULT 'ONLINE'
               CHECK (UPPER(status) IN ('ONLINE','SHUNNED','OFFLINE_SOFT', 'OFFLINE_HARD')),
             weight INT NOT NULL DEFAULT 1 CHECK (weight >= 0 AND weight <=10000000),
             compression INT NOT NULL DEFAULT 0 CHECK (compression IN(0,1)),
             max_connections INT NOT NULL DEFAULT 1000 CHECK (max_connections >=0),
             max_replication_lag INT NOT NULL DEFAULT 0
               CHECK (max_replication_lag >= 0 AND max_replication_lag <= 126144000),
             use_ssl INT NOT NULL DEFAULT 0 CHECK (use_ssl IN(0,1)),
             max_latency_ms INT UNSIGNED NOT NULL DEFAULT 0 CHECK (max_latency_ms>=0),
             comment VARCHAR(255) NOT NULL DEFAULT '',
             PRIMARY KEY (hostgroup_id, hostname, port))""";
    private static final String REPLICATION_HOSTGROUPS_COLUMNS = """
            (writer_hostgroup INT NOT NULL PRIMARY KEY CHECK (writer_hostgroup>=0),
             reader_hostgroup INT NOT NULL CHECK (reader_hostgroup<>writer_hostgroup AND reader_hostgroup>=0),
             check_type VARCHAR(40) NOT NULL DEFAULT 'read_only',
             comment VARCHAR(255) NOT NULL DEFAULT '',
             UNIQUE (reader_hostgroup))""";

    private final MariaDbServer server;
    private final String database;
    private final List<String> statements = new ArrayList<>();

    ProxySqlAdminOnMariaDb(MariaDbServer server, String database) {
        this.server = server;
        this.database = database;
        server.execute("DROP DATABASE IF EXISTS " + database, "CREATE DATABASE " + database);
        sql("CREATE TABLE mysql_servers " + SERVERS_COLUMNS,
                "CREATE TABLE runtime_mysql_servers " + SERVERS_COLUMNS,
                "CREATE TABLE disk_mysql_servers " + SERVERS_COLUMNS,
                "CREATE TABLE runtime_mysql_replication_hostgroups " + REPLICATION_HOSTGROUPS_COLUMNS,
                """
                CREATE TABLE stats_mysql_connection_pool (hostgroup INT, srv_host VARCHAR(255), srv_port INT,
                  status VARCHAR(20), ConnUsed INT, ConnFree INT, ConnOK INT, ConnERR INT, MaxConnUsed INT,
                  Queries INT, Queries_GTID_sync INT, Bytes_data_sent INT, Bytes_data_recv INT, Latency_us INT)""");
    }

    /** Runs statements directly (the test's own setup and changes, not recorded). */
    void sql(String... sql) {
        try (Connection c = server.connect(database); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A table's rows, each as "col1 col2 ...", in the given order. */
    List<String> rows(String select) {
        try (Connection c = server.connect(database); Statement st = c.createStatement();
             var rs = st.executeQuery(select)) {
            List<String> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? " " : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@code LOAD MYSQL SERVERS TO RUNTIME} does, for the test's own setup. */
    void loadToRuntime() {
        sql("DELETE FROM runtime_mysql_servers", "INSERT INTO runtime_mysql_servers SELECT * FROM mysql_servers");
    }

    /** The statements the switch sent since the last call, in order. */
    synchronized List<String> takeStatements() {
        List<String> taken = List.copyOf(statements);
        statements.clear();
        return taken;
    }

    /** A connector for the switch: the real Connector/J admin session, recording and emulating ProxySQL's commands. */
    AdminConnection.Connector connector(ProxySqlSwitchConfig config) {
        AdminConnection.Connector jdbc = JdbcAdminConnection.connector(config);
        return () -> {
            AdminConnection wire = jdbc.open();
            wire.execute("USE " + database); // ProxySQL's admin has its tables in the session's default schema
            return new AdminConnection() {
                @Override
                public List<List<String>> query(String sql) throws SQLException {
                    record(sql);
                    return wire.query(sql);
                }

                @Override
                public void execute(String sql) throws SQLException {
                    record(sql);
                    if (sql.equals(ProxySqlSwitch.LOAD)) {
                        wire.execute("DELETE FROM runtime_mysql_servers");
                        wire.execute("INSERT INTO runtime_mysql_servers SELECT * FROM mysql_servers");
                    } else if (sql.equals(ProxySqlSwitch.SAVE)) {
                        wire.execute("DELETE FROM disk_mysql_servers");
                        wire.execute("INSERT INTO disk_mysql_servers SELECT * FROM mysql_servers");
                    } else {
                        wire.execute(sql);
                    }
                }

                @Override
                public void close() throws SQLException {
                    wire.close();
                }
            };
        };
    }

    private synchronized void record(String sql) {
        statements.add(sql);
    }
}

package io.paraverse.traffic.proxy;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.traffic.Endpoint;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A real MariaDB server with an application database and an application user, as the tests' production or clone. */
final class AppDatabase implements AutoCloseable {
    static final String USER = "app";
    static final String PASSWORD = "app-secret-9";
    static final String NOPASS_USER = "legacy";
    static final String NOPASS_PASSWORD = "legacy-secret-7";

    final MariaDbServer server;

    private AppDatabase(MariaDbServer server) {
        this.server = server;
        server.execute(
                "CREATE DATABASE IF NOT EXISTS app",
                "CREATE DATABASE IF NOT EXISTS app2",
                "CREATE USER IF NOT EXISTS '" + USER + "'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'",
                "GRANT ALL ON app.* TO '" + USER + "'@'127.0.0.1'",
                "GRANT ALL ON app2.* TO '" + USER + "'@'127.0.0.1'",
                "CREATE USER IF NOT EXISTS '" + NOPASS_USER + "'@'127.0.0.1' IDENTIFIED BY '" + NOPASS_PASSWORD + "'",
                "GRANT ALL ON app.* TO '" + NOPASS_USER + "'@'127.0.0.1'",
                "GRANT PROCESS ON *.* TO '" + USER + "'@'127.0.0.1'");
    }

    static AppDatabase start(String name) {
        return new AppDatabase(MariaDbServer.start(MariaDbOptions.target(name).option("max-allowed-packet", "64M")));
    }

    Endpoint endpoint() {
        return new Endpoint(server.host(), server.port());
    }

    Connection root() throws SQLException {
        return server.connect("app");
    }

    int serverId() {
        return server.serverId();
    }

    void execute(String... sql) {
        server.execute(sql);
    }

    long count(String sql) throws SQLException {
        try (Connection c = root(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Connections of {@code user} the server has open now (from anywhere). */
    long connectionsOf(String user) throws SQLException {
        return count("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'");
    }

    static Connection viaProxy(MySqlProxy proxy, String user, String password, String options) throws SQLException {
        return DriverManager.getConnection(proxyUrl(proxy, options), user, password);
    }

    static String proxyUrl(MySqlProxy proxy, String options) {
        return "jdbc:mariadb://127.0.0.1:" + proxy.listenAddress().getPort() + "/app"
                + (options == null || options.isEmpty() ? "" : "?" + options);
    }

    @Override
    public void close() {
        server.close();
    }
}

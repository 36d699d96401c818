package io.paraverse.cloud;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How to connect to a provisioned target. {@code details} holds non-secret facts (datadir, version, ...).
 * {@link #toString()} never shows the password.
 */
public record ProvisionedServer(String kind, String host, int port, String user, String password, String jdbcUrl,
                                Map<String, String> details) {

    public ProvisionedServer {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        password = password == null ? "" : password;
        details = Map.copyOf(details == null ? Map.of() : details);
    }

    /** "host:port", for messages. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** A new connection with these credentials. */
    public Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl, p);
    }

    @Override
    public String toString() {
        return "ProvisionedServer[kind=" + kind + ", host=" + host + ", port=" + port + ", user=" + user
                + ", password=****, jdbcUrl=" + jdbcUrl + ", details=" + details + "]";
    }
}

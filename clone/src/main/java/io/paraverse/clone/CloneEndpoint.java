package io.paraverse.clone;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A MariaDB server to clone from or to: host, port, credentials and the Connector/J options every URL to it carries
 * ("" for none; e.g. TLS settings).
 */
public record CloneEndpoint(String host, int port, String user, String password, String urlOptions) {
    public CloneEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
        urlOptions = urlOptions == null ? "" : urlOptions;
    }

    public CloneEndpoint(String host, int port, String user, String password) {
        this(host, port, user, password, "");
    }

    public String jdbcUrl() {
        return jdbcUrl("");
    }

    /** The URL with a default database ("" for none) and the endpoint's options. */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + host + ":" + port + "/" + (database == null ? "" : database)
                + (urlOptions.isEmpty() ? "" : "?" + urlOptions);
    }

    /** The certificate the server is pinned to ({@code serverSslCert} in the options), or null: for external clients. */
    public String serverSslCert() {
        for (String kv : urlOptions.split("&")) {
            if (kv.startsWith("serverSslCert=")) {
                return kv.substring("serverSslCert=".length());
            }
        }
        return null;
    }

    /** The URL for {@link RowWriter} connections: the endpoint's options plus {@link #BULK_WRITE_PARAMETERS}. */
    public String jdbcUrlForWrites() {
        return jdbcUrl() + (urlOptions.isEmpty() ? "?" : "&") + BULK_WRITE_PARAMETERS;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password == null ? "" : password);
    }

    /** Driver settings for connections that write rows in bulk ({@link RowWriter}). */
    static final String BULK_WRITE_PARAMETERS = "useServerPrepStmts=true&useBulkStmts=true&useBulkStmtsForInserts=true";

    /** A connection for {@link RowWriter}: server-side prepared statements sent as bulk executes. */
    Connection connectForWrites() throws SQLException {
        return DriverManager.getConnection(jdbcUrlForWrites(), user, password == null ? "" : password);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}

package io.paraverse.clone;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;

/** A MariaDB server to clone from or to: host, port and credentials. */
public record CloneEndpoint(String host, int port, String user, String password) {
    public CloneEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    public String jdbcUrl() {
        return "jdbc:mariadb://" + host + ":" + port + "/";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password == null ? "" : password);
    }

    /** Driver settings for connections that write rows in bulk ({@link RowWriter}). */
    static final String BULK_WRITE_PARAMETERS = "useServerPrepStmts=true&useBulkStmts=true&useBulkStmtsForInserts=true";

    /** A connection for {@link RowWriter}: server-side prepared statements sent as bulk executes. */
    Connection connectForWrites() throws SQLException {
        return DriverManager.getConnection(jdbcUrl() + "?" + BULK_WRITE_PARAMETERS, user, password == null ? "" : password);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}

package io.paraverse.daemon.pipeline;

import java.util.Objects;

/** Where a database server is and how to log in. The password never appears in {@link #toString()}. */
public record Endpoint(String host, int port, String user, String password) {
    public Endpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        password = password == null ? "" : password;
    }

    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + host + ":" + port + "/" + (database == null ? "" : database);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}

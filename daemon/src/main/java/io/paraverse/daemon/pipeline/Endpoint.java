package io.paraverse.daemon.pipeline;

import java.util.Objects;

/**
 * Where a database server is and how to log in. {@code urlOptions} are Connector/J options every JDBC URL to it
 * carries ("" for none), e.g. an EC2 target's {@code sslMode=verify-ca&serverSslCert=...}. The password never
 * appears in {@link #toString()}.
 */
public record Endpoint(String host, int port, String user, String password, String urlOptions) {
    public Endpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        password = password == null ? "" : password;
        urlOptions = urlOptions == null ? "" : urlOptions;
    }

    public Endpoint(String host, int port, String user, String password) {
        this(host, port, user, password, "");
    }

    /** The options after '?' of a provisioner's JDBC URL ("" if none): how the provisioner says to connect. */
    public static String optionsOf(String jdbcUrl) {
        int q = jdbcUrl == null ? -1 : jdbcUrl.indexOf('?');
        return q < 0 ? "" : jdbcUrl.substring(q + 1);
    }

    public String jdbcUrl(String database) {
        return "jdbc:mariadb://" + host + ":" + port + "/" + (database == null ? "" : database)
                + (urlOptions.isEmpty() ? "" : "?" + urlOptions);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}

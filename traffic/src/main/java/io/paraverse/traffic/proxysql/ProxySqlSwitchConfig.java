package io.paraverse.traffic.proxysql;

import io.paraverse.traffic.Endpoint;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where ProxySQL's admin interface is and which {@code mysql_servers} rows the cutover moves clients between.
 *
 * @param admin            ProxySQL's admin interface (MySQL protocol, port 6032 by default)
 * @param user             admin user ({@code admin-admin_credentials}; ProxySQL lets the default admin:admin in
 *                         only from localhost)
 * @param password         asked at each connection and never logged or kept
 * @param writerHostgroups the hostgroup(s) the application writes through ({@code mysql_query_rules} /
 *                         {@code default_hostgroup}); both servers are moved in each of them
 * @param productionServer production as ProxySQL knows it: {@code hostname} and {@code port} of its mysql_servers row
 * @param cloneServer      the clone, as its mysql_servers row has (or will have) it
 * @param jdbcOptions      options for Connector/J's URL; the default turns off what ProxySQL's admin does not accept
 * @param pollInterval     how often fencing reads ConnUsed
 */
public record ProxySqlSwitchConfig(Endpoint admin, String user, Supplier<String> password, List<Integer> writerHostgroups,
                                   Endpoint productionServer, Endpoint cloneServer, String jdbcOptions, Duration pollInterval) {
    /**
     * Connector/J's pipelined commands (ProxySQL cannot take packets out of order) and the strict sql_mode it sets on
     * connect are not for ProxySQL's admin.
     */
    public static final String DEFAULT_JDBC_OPTIONS =
            "disablePipeline=true&jdbcCompliantTruncation=false&connectTimeout=5000&socketTimeout=30000";

    public ProxySqlSwitchConfig {
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(productionServer, "productionServer");
        Objects.requireNonNull(cloneServer, "cloneServer");
        if (writerHostgroups == null || writerHostgroups.isEmpty()) {
            throw new IllegalArgumentException("ProxySQL switch: give the writer hostgroup id(s) the application"
                    + " writes through");
        }
        writerHostgroups = List.copyOf(writerHostgroups);
        for (Endpoint e : List.of(productionServer, cloneServer)) {
            // hostnames go into SQL text (the admin interface has no prepared statements): plain names only
            if (!e.host().matches("[A-Za-z0-9._:%-]+")) {
                throw new IllegalArgumentException("ProxySQL switch: hostname '" + e.host() + "' is not a plain host"
                        + " name or address");
            }
        }
        if (productionServer.equals(cloneServer)) {
            throw new IllegalArgumentException("ProxySQL switch: production and clone are both " + productionServer);
        }
        jdbcOptions = jdbcOptions == null ? DEFAULT_JDBC_OPTIONS : jdbcOptions;
        pollInterval = pollInterval == null ? Duration.ofMillis(200) : pollInterval;
    }

    public ProxySqlSwitchConfig(Endpoint admin, String user, Supplier<String> password, List<Integer> writerHostgroups,
                                Endpoint productionServer, Endpoint cloneServer) {
        this(admin, user, password, writerHostgroups, productionServer, cloneServer, null, null);
    }

    /** Connector/J's URL for the admin interface (no credentials in it). */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + admin.host() + ":" + admin.port() + "/" + (jdbcOptions.isEmpty() ? "" : "?" + jdbcOptions);
    }

    @Override
    public String toString() {
        return "ProxySQL admin " + admin + " as " + user + ", writer hostgroup(s) " + writerHostgroups
                + ", production " + productionServer + ", clone " + cloneServer;
    }
}

package io.paraverse.capture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How to reach the source's binlog and what to keep from it. Immutable and validated on {@link Builder#build()};
 * {@link #toString()} never shows the password.
 *
 * <ul>
 *   <li>{@code serverId}: the id this reader announces to the source as a replica. It must differ from the id of
 *       every server and every other binlog reader of the replication topology; the default is a random id in
 *       1,000,000..2,000,000.</li>
 *   <li>{@code heartbeatInterval}: the source sends a heartbeat when it has had nothing to send for this long, so an
 *       idle stream still shows it is alive and caught up (default 2 s).</li>
 *   <li>{@code keepAliveTimeout}: a connection that delivered nothing (not even a heartbeat) for this long is
 *       considered dead and is reopened (default 20 s; more than twice the heartbeat interval).</li>
 *   <li>{@code connectTimeout}: TCP connect and login (default 10 s).</li>
 *   <li>{@code reconnectBackoffInitial}/{@code reconnectBackoffMax}: delay before the first reconnect attempt after
 *       a connection is lost, doubled per failed attempt up to the maximum (defaults 500 ms and 30 s). Reconnecting
 *       never gives up.</li>
 * </ul>
 */
public final class CaptureConfig {
    public static final int DEFAULT_PORT = 3306;
    public static final long MIN_SERVER_ID = 1;
    public static final long MAX_SERVER_ID = 4_294_967_295L;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final long serverId;
    private final TableFilter filter;
    private final Duration heartbeatInterval;
    private final Duration keepAliveTimeout;
    private final Duration connectTimeout;
    private final Duration reconnectBackoffInitial;
    private final Duration reconnectBackoffMax;

    private CaptureConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.password = b.password == null ? "" : b.password;
        this.serverId = b.serverId != null ? b.serverId : ThreadLocalRandom.current().nextLong(1_000_000, 2_000_001);
        this.filter = TableFilter.of(b.include, b.exclude);
        this.heartbeatInterval = b.heartbeatInterval;
        this.keepAliveTimeout = b.keepAliveTimeout;
        this.connectTimeout = b.connectTimeout;
        this.reconnectBackoffInitial = b.reconnectBackoffInitial;
        this.reconnectBackoffMax = b.reconnectBackoffMax;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values (the same server id), to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder().host(host).port(port).user(user).password(password).serverId(serverId)
                .heartbeatInterval(heartbeatInterval).keepAliveTimeout(keepAliveTimeout).connectTimeout(connectTimeout)
                .reconnectBackoff(reconnectBackoffInitial, reconnectBackoffMax);
        b.include.addAll(filter.includePatterns());
        b.exclude.addAll(filter.excludePatterns());
        return b;
    }

    public String host() { return host; }
    public int port() { return port; }
    public String user() { return user; }
    /** The password (never logged, never in messages). */
    public String password() { return password; }
    public long serverId() { return serverId; }
    public TableFilter filter() { return filter; }
    public List<String> include() { return filter.includePatterns(); }
    public List<String> exclude() { return filter.excludePatterns(); }
    public Duration heartbeatInterval() { return heartbeatInterval; }
    public Duration keepAliveTimeout() { return keepAliveTimeout; }
    public Duration connectTimeout() { return connectTimeout; }
    public Duration reconnectBackoffInitial() { return reconnectBackoffInitial; }
    public Duration reconnectBackoffMax() { return reconnectBackoffMax; }

    /** Whether changes of this table are captured. */
    public boolean captures(String schema, String table) {
        return filter.includes(schema, table);
    }

    /** "host:port" for messages. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** JDBC URL of the source (MariaDB Connector/J), without credentials. */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + address() + "/?connectTimeout=" + connectTimeout.toMillis()
                + "&socketTimeout=" + Math.max(60_000, keepAliveTimeout.toMillis());
    }

    @Override
    public String toString() {
        return "CaptureConfig{" + address() + ", user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "***")
                + ", serverId=" + serverId + ", " + filter + ", heartbeat=" + heartbeatInterval
                + ", keepAliveTimeout=" + keepAliveTimeout + ", connectTimeout=" + connectTimeout
                + ", reconnectBackoff=" + reconnectBackoffInitial + ".." + reconnectBackoffMax + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CaptureConfig c && host.equals(c.host) && port == c.port && user.equals(c.user)
                && password.equals(c.password) && serverId == c.serverId && filter.equals(c.filter)
                && heartbeatInterval.equals(c.heartbeatInterval) && keepAliveTimeout.equals(c.keepAliveTimeout)
                && connectTimeout.equals(c.connectTimeout) && reconnectBackoffInitial.equals(c.reconnectBackoffInitial)
                && reconnectBackoffMax.equals(c.reconnectBackoffMax);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, user, serverId, filter);
    }

    /** Collects settings; {@link #build()} validates them all and lists every problem at once. */
    public static final class Builder {
        private String host;
        private int port = DEFAULT_PORT;
        private String user;
        private String password;
        private Long serverId;
        private final List<String> include = new ArrayList<>();
        private final List<String> exclude = new ArrayList<>();
        private Duration heartbeatInterval = Duration.ofSeconds(2);
        private Duration keepAliveTimeout = Duration.ofSeconds(20);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration reconnectBackoffInitial = Duration.ofMillis(500);
        private Duration reconnectBackoffMax = Duration.ofSeconds(30);

        private Builder() { }

        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder user(String user) { this.user = user; return this; }
        public Builder password(String password) { this.password = password; return this; }
        public Builder serverId(long serverId) { this.serverId = serverId; return this; }

        /** Adds include patterns ("shop.*", "shop.orders", "shop"). */
        public Builder include(String... patterns) { include.addAll(List.of(patterns)); return this; }
        public Builder include(List<String> patterns) { include.addAll(patterns); return this; }

        /** Adds exclude patterns; they win over includes. */
        public Builder exclude(String... patterns) { exclude.addAll(List.of(patterns)); return this; }
        public Builder exclude(List<String> patterns) { exclude.addAll(patterns); return this; }

        public Builder heartbeatInterval(Duration d) { this.heartbeatInterval = d; return this; }
        public Builder keepAliveTimeout(Duration d) { this.keepAliveTimeout = d; return this; }
        public Builder connectTimeout(Duration d) { this.connectTimeout = d; return this; }

        public Builder reconnectBackoff(Duration initial, Duration max) {
            this.reconnectBackoffInitial = initial;
            this.reconnectBackoffMax = max;
            return this;
        }

        public CaptureConfig build() {
            List<String> problems = new ArrayList<>();
            if (host == null || host.isBlank()) {
                problems.add("host is required");
            }
            if (port < 1 || port > 65535) {
                problems.add("port must be 1..65535, not " + port);
            }
            if (user == null || user.isBlank()) {
                problems.add("user is required");
            }
            if (serverId != null && (serverId < MIN_SERVER_ID || serverId > MAX_SERVER_ID)) {
                problems.add("serverId must be " + MIN_SERVER_ID + ".." + MAX_SERVER_ID + ", not " + serverId);
            }
            positive(problems, "heartbeatInterval", heartbeatInterval, Duration.ofMillis(100));
            positive(problems, "keepAliveTimeout", keepAliveTimeout, Duration.ofSeconds(1));
            positive(problems, "connectTimeout", connectTimeout, Duration.ofMillis(100));
            positive(problems, "reconnectBackoffInitial", reconnectBackoffInitial, Duration.ofMillis(1));
            positive(problems, "reconnectBackoffMax", reconnectBackoffMax, Duration.ofMillis(1));
            if (heartbeatInterval != null && keepAliveTimeout != null
                    && keepAliveTimeout.compareTo(heartbeatInterval.multipliedBy(2)) <= 0) {
                problems.add("keepAliveTimeout (" + keepAliveTimeout + ") must be more than twice heartbeatInterval ("
                        + heartbeatInterval + ")");
            }
            if (reconnectBackoffInitial != null && reconnectBackoffMax != null
                    && reconnectBackoffMax.compareTo(reconnectBackoffInitial) < 0) {
                problems.add("reconnectBackoffMax must not be below reconnectBackoffInitial");
            }
            try {
                TableFilter.of(include, exclude);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid capture configuration: " + String.join("; ", problems));
            }
            return new CaptureConfig(this);
        }

        private static void positive(List<String> problems, String name, Duration d, Duration min) {
            if (d == null) {
                problems.add(name + " is required");
            } else if (d.compareTo(min) < 0) {
                problems.add(name + " must be at least " + min + ", not " + d);
            }
        }
    }
}

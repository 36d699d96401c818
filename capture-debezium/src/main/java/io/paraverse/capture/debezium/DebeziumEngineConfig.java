package io.paraverse.capture.debezium;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the Debezium embedded engine reads from and keeps its state.
 *
 * @param host              the MariaDB source
 * @param port              its port
 * @param user              a user with SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT
 *                          (BINLOG MONITOR) on the source
 * @param password          its password (never logged)
 * @param serverId          the replica server id the engine uses (unique among the source's replicas)
 * @param stateDir          where the engine's offsets ({@code debezium-offsets.dat}) and schema history
 *                          ({@code debezium-schema-history.dat}) live: under the pipeline's directory
 * @param name              the engine name, also Debezium's {@code topic.prefix}
 * @param databases         databases to capture ({@code database.include.list}); empty = all
 * @param extraProperties   further connector properties (override ours; e.g. {@code table.exclude.list})
 */
public record DebeziumEngineConfig(String host, int port, String user, String password, int serverId, Path stateDir,
                                   String name, List<String> databases, Map<String, String> extraProperties) {
    public DebeziumEngineConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("Debezium engine name '" + name
                    + "' may hold only letters, digits, '_', '.', '-' (it is the topic prefix)");
        }
        databases = List.copyOf(databases);
        extraProperties = Map.copyOf(extraProperties);
    }

    public static DebeziumEngineConfig of(String host, int port, String user, String password, int serverId,
                                          Path stateDir, String name, List<String> databases) {
        return new DebeziumEngineConfig(host, port, user, password, serverId, stateDir, name, databases, Map.of());
    }

    public DebeziumEngineConfig withProperty(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(extraProperties);
        m.put(key, value);
        return new DebeziumEngineConfig(host, port, user, password, serverId, stateDir, name, databases, m);
    }

    Path offsetsFile() {
        return stateDir.resolve("debezium-offsets.dat");
    }

    Path schemaHistoryFile() {
        return stateDir.resolve("debezium-schema-history.dat");
    }

    /** The value encodings the engine is configured with. */
    ConnectorSettings settings() {
        Map<String, String> m = new LinkedHashMap<>(ConnectorSettings.defaults().asConnectorConfig());
        m.putAll(extraProperties);
        return ConnectorSettings.from(m);
    }

    @Override
    public String toString() {
        return "DebeziumEngineConfig{" + user + "@" + host + ":" + port + ", server id " + serverId + ", " + name
                + ", state in " + stateDir + ", databases " + databases + "}"; // no password
    }
}

package io.paraverse.cloud.local;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to start one local MariaDB server. {@link #source(String)} turns on the binlog exactly as capture needs it;
 * {@link #target(String)} leaves it off. Extra server options ("innodb-flush-log-at-trx-commit" → "2") override
 * the defaults. Memory defaults are small so several servers fit in a test.
 */
public final class MariaDbOptions {
    private final String name;
    private boolean binlog;
    private int serverId;
    private Path baseDir;
    private boolean keepData;
    private Path copyDatadirFrom;
    private Path directory;
    private boolean existingDirectory;
    private Path binDir;
    private String rootPassword;
    private final Map<String, String> serverOptions = new LinkedHashMap<>();

    private MariaDbOptions(String name) {
        this.name = Objects.requireNonNull(name, "name");
        serverOptions.put("innodb-buffer-pool-size", "128M");
        serverOptions.put("innodb-log-file-size", "128M");
        serverOptions.put("max-connections", "200");
        serverOptions.put("character-set-server", "utf8mb4");
        serverOptions.put("collation-server", "utf8mb4_general_ci");
    }

    /** A server whose binlog Paraverse can capture: ROW format, FULL images and metadata, GTIDs. */
    public static MariaDbOptions source(String name) {
        MariaDbOptions o = new MariaDbOptions(name);
        o.binlog = true;
        return o;
    }

    /** A server without binlog (a clone / apply target). */
    public static MariaDbOptions target(String name) {
        return new MariaDbOptions(name);
    }

    public MariaDbOptions binlog(boolean on) { this.binlog = on; return this; }

    /** Server id; 0 (default) picks a unique one. */
    public MariaDbOptions serverId(int id) { this.serverId = id; return this; }

    /** Directory under which the server's own datadir is created (default: the system temp dir). */
    public MariaDbOptions baseDir(Path dir) { this.baseDir = dir; return this; }

    /** Keep the datadir after stop (default: delete it). */
    public MariaDbOptions keepData(boolean keep) { this.keepData = keep; return this; }

    /**
     * Start from a copy of this datadir (of a cleanly stopped server) instead of an empty one: how benchmarks give
     * several servers the same base data.
     */
    public MariaDbOptions copyDatadirFrom(Path datadir) { this.copyDatadirFrom = datadir; return this; }

    /**
     * Put the server in exactly this directory (created if absent; it must not hold a datadir yet) instead of a new
     * temporary one under {@link #baseDir(Path)}: for callers that persist where a server lives.
     */
    public MariaDbOptions directory(Path dir) {
        this.directory = dir;
        this.existingDirectory = false;
        return this;
    }

    /**
     * Start on the directory of an earlier, cleanly stopped or killed server (see {@link #keepData(boolean)}) as it
     * is: the datadir is neither initialised nor copied and the binlog is not reset. A failed start never deletes it.
     */
    public MariaDbOptions restartIn(Path dir) {
        this.directory = dir;
        this.existingDirectory = true;
        return this;
    }

    /** Directory holding mariadbd and mariadb-install-db (default: {@link MariaDbBinaries#locate()}). */
    public MariaDbOptions binDir(Path dir) { this.binDir = dir; return this; }

    /** Root password (default: a new random one); a restarted server needs the one it had. */
    public MariaDbOptions rootPassword(String password) { this.rootPassword = password; return this; }

    /** A mariadbd option without the leading dashes, e.g. option("innodb-flush-log-at-trx-commit", "2"). */
    public MariaDbOptions option(String key, String value) { serverOptions.put(key, value); return this; }

    public String name() { return name; }
    public boolean binlog() { return binlog; }
    public int serverId() { return serverId; }
    public Path baseDir() { return baseDir; }
    public boolean keepData() { return keepData; }
    public Path copyDatadirFrom() { return copyDatadirFrom; }
    public Path directory() { return directory; }
    public boolean existingDirectory() { return existingDirectory; }
    public Path binDir() { return binDir; }
    String rootPassword() { return rootPassword; }
    public Map<String, String> serverOptions() { return Map.copyOf(serverOptions); }
    Map<String, String> orderedOptions() { return serverOptions; }
}

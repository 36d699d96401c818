package io.paraverse.cloud;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded default ("local"): one private mariadbd per migration, in {@code <datadirBase>/<migrationId>},
 * run by this process on 127.0.0.1 and a free port.
 *
 * <p>State is written before the server first starts, so a crash at any point leaves the directory findable.
 * The generated root password is kept in {@code <stateDir>/<id>.secret} (mode 0600) and referenced from the state
 * document, which holds no password; the datadir is private to this user anyway. After a restart of the process,
 * {@link #provision(String)} starts mariadbd again on the persisted datadir with the same password. The port may
 * change: callers take it from the returned {@link ProvisionedServer}.
 */
public final class LocalProvisioner implements Provisioner, AutoCloseable {
    public static final String KIND = "local";
    private static final Logger log = LoggerFactory.getLogger(LocalProvisioner.class);

    /** How local servers are made; applied on every start, so memory settings may change between restarts. */
    public static final class Settings {
        private Path binDir;
        private Path datadirBase;
        private boolean keepOnTeardown;
        private final Map<String, String> serverOptions = new LinkedHashMap<>();

        /** Directory with mariadbd and mariadb-install-db (default: $PARAVERSE_MARIADB_BIN, PATH, /usr/sbin). */
        public Settings binDir(Path dir) { this.binDir = dir; return this; }

        /** Where each migration's server directory goes (default: {@code <stateDir>/local}). */
        public Settings datadirBase(Path dir) { this.datadirBase = dir; return this; }

        /** Keep the datadir on teardown (default: delete it). */
        public Settings keepOnTeardown(boolean keep) { this.keepOnTeardown = keep; return this; }

        /** A mariadbd option without dashes, e.g. option("innodb-buffer-pool-size", "4G"). */
        public Settings option(String key, String value) { serverOptions.put(key, value); return this; }

        public Settings bufferPoolSize(String size) { return option("innodb-buffer-pool-size", size); }

        public Path binDir() { return binDir; }
        public Path datadirBase() { return datadirBase; }
        public boolean keepOnTeardown() { return keepOnTeardown; }
        public Map<String, String> serverOptions() { return Map.copyOf(serverOptions); }
    }

    private record Running(MariaDbServer server, ProvisionedServer described) { }

    private final ProvisionerStateStore store;
    private final Settings settings;
    private final Path datadirBase;
    private final Map<String, Running> running = new HashMap<>();

    public LocalProvisioner(Path stateDir) {
        this(stateDir, new Settings());
    }

    public LocalProvisioner(Path stateDir, Settings settings) {
        this.store = new ProvisionerStateStore(stateDir);
        this.settings = settings;
        this.datadirBase = (settings.datadirBase != null ? settings.datadirBase : stateDir.resolve(KIND)).toAbsolutePath();
    }

    @Override
    public String kind() { return KIND; }

    public ProvisionerStateStore stateStore() { return store; }

    @Override
    public synchronized ProvisionedServer provision(String migrationId) {
        ProvisionerStateStore.checkMigrationId(migrationId);
        Running r = running.get(migrationId);
        if (r != null && r.server().isRunning()) {
            return r.described();
        }
        ProvisionerState state = store.load(migrationId).orElse(null);
        if (state != null && !KIND.equals(state.kind())) {
            throw new ProvisioningException("migration " + migrationId + " was provisioned by the '" + state.kind()
                    + "' provisioner, not '" + KIND + "'; see " + store.stateFile(migrationId));
        }
        if (state == null) {
            state = createState(migrationId);
        }
        Path dir = Path.of(state.details().get("directory"));
        boolean startedBefore = state.port() > 0;
        boolean hasDatadir = Files.isDirectory(dir.resolve("data"));
        if (startedBefore && !hasDatadir) {
            throw new ProvisioningException("the datadir of migration " + migrationId + " is missing: " + dir.resolve("data")
                    + "; restore it, or tear the migration down and start it again");
        }
        if (!startedBefore && hasDatadir) {
            deleteTree(dir.resolve("data")); // a crash during the first start: only a template copy, no data yet
        }

        MariaDbOptions o = MariaDbOptions.target("migration-" + migrationId).keepData(true)
                .rootPassword(state.credentialRef().resolve()).binDir(settings.binDir);
        settings.serverOptions.forEach(o::option);
        String serverId = state.details().get("serverId");
        if (serverId != null) {
            o.serverId(Integer.parseInt(serverId));
        }
        if (startedBefore) {
            o.restartIn(dir);
        } else {
            o.directory(dir);
        }
        MariaDbServer server = MariaDbServer.start(o);
        try {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("directory", dir.toString());
            details.put("datadir", server.datadir().toString());
            details.put("serverId", String.valueOf(server.serverId()));
            details.put("version", version(server));
            details.put("keepOnTeardown", String.valueOf(settings.keepOnTeardown));
            ProvisionerState now = state.withAddress(server.host(), server.port(), server.jdbcUrl(""), details);
            store.save(now);
            ProvisionedServer described = new ProvisionedServer(KIND, server.host(), server.port(), server.user(),
                    server.password(), server.jdbcUrl(""), details);
            running.put(migrationId, new Running(server, described));
            log.info("{} migration {}: {} on {} (datadir {})", startedBefore ? "restarted" : "provisioned",
                    migrationId, details.get("version"), described.address(), server.datadir());
            return described;
        } catch (RuntimeException e) {
            server.close(); // keepData: the datadir stays for the next attempt
            throw e;
        }
    }

    private ProvisionerState createState(String migrationId) {
        Path dir = datadirBase.resolve(migrationId);
        if (Files.exists(dir.resolve("data"))) {
            throw new ProvisioningException(dir + " already holds a datadir (kept from an earlier migration "
                    + migrationId + "?); remove it or use another migration id");
        }
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        CredentialRef ref = store.saveSecret(migrationId, HexFormat.of().formatHex(random));
        ProvisionerState state = new ProvisionerState(migrationId, KIND, "127.0.0.1", 0, "root", "", ref,
                Map.of("directory", dir.toString()));
        store.save(state);
        return state;
    }

    @Override
    public synchronized Optional<ProvisionedServer> find(String migrationId) {
        Running r = running.get(ProvisionerStateStore.checkMigrationId(migrationId));
        return r != null && r.server().isRunning() ? Optional.of(r.described()) : Optional.empty();
    }

    /** Shuts this migration's server down cleanly, keeping its datadir and state: {@link #provision} restarts it. */
    public synchronized void stop(String migrationId) {
        Running r = running.remove(migrationId);
        if (r != null) {
            r.server().close();
        }
    }

    /** Stops the server, then deletes its directory (unless {@link Settings#keepOnTeardown}) and the state. */
    @Override
    public synchronized void teardown(String migrationId) {
        stop(ProvisionerStateStore.checkMigrationId(migrationId));
        ProvisionerState state = store.load(migrationId).orElse(null);
        if (state == null) {
            return;
        }
        String directory = state.details().get("directory");
        if (directory != null) {
            Path dir = Path.of(directory);
            long pid = MariaDbServer.runningServerPid(dir);
            if (pid > 0) {
                throw new ProvisioningException("cannot tear down migration " + migrationId + ": a mariadbd (pid " + pid
                        + ") not run by this provisioner still serves " + dir);
            }
            if (settings.keepOnTeardown) {
                keepPasswordWith(dir, state.credentialRef());
                log.info("teardown of migration {}: kept {} (root password in root-password there)", migrationId, dir);
            } else {
                deleteTree(dir);
            }
        }
        store.delete(migrationId);
    }

    /** Stops every server this provisioner runs; datadirs and state stay, for {@link #provision} to restart them. */
    @Override
    public synchronized void close() {
        for (String id : new ArrayList<>(running.keySet())) {
            stop(id);
        }
    }

    /** The state (and its secret) goes away on teardown; a kept datadir is useless without its root password. */
    private static void keepPasswordWith(Path dir, CredentialRef ref) {
        if (ref == null || !Files.isDirectory(dir)) {
            return;
        }
        try {
            ProvisionerStateStore.writeAtomically(dir.resolve("root-password"),
                    ref.resolve().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("cannot keep the root password next to {}: {}", dir, e.getMessage());
        }
    }

    private static String version(MariaDbServer server) {
        try (Connection c = server.connect(""); ResultSet rs = c.createStatement().executeQuery("SELECT VERSION()")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new ProvisioningException("cannot query the version of " + server + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}

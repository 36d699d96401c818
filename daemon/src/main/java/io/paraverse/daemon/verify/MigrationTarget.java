package io.paraverse.daemon.verify;

import io.paraverse.cloud.LocalProvisioner;
import io.paraverse.cloud.ProvisionedServer;
import io.paraverse.cloud.ProvisionerState;
import io.paraverse.cloud.ProvisionerStateStore;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.migration.DataDirLock;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.pipeline.Endpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The clone of a migration, found through what its provisioner persisted in the daemon's data dir
 * ({@code DIR/<name>/provisioner/<name>.json}), whether the daemon runs or not. While the daemon runs, its server is
 * up and is only read. While it is stopped, the data dir is locked for the verification (so no daemon starts
 * meanwhile) and a local clone's server is started on its datadir and stopped again on {@link #close()}.
 */
public final class MigrationTarget implements AutoCloseable {
    private final Endpoint endpoint;
    private final DataDirLock lock;
    private final LocalProvisioner started;

    private MigrationTarget(Endpoint endpoint, DataDirLock lock, LocalProvisioner started) {
        this.endpoint = endpoint;
        this.lock = lock;
        this.started = started;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public static MigrationTarget open(MigrationConfig config, Path dataDir, Consumer<String> log) {
        String name = config.name();
        Path stateDir = dataDir.resolve(name).resolve("provisioner");
        if (!Files.isRegularFile(stateDir.resolve(name + ".json"))) {
            throw new IllegalArgumentException("migration " + name + " has no provisioned clone in " + dataDir + " (no "
                    + stateDir.resolve(name + ".json") + "): start the daemon with this migration first, or check --data-dir");
        }
        ProvisionerState state = new ProvisionerStateStore(stateDir).load(name).orElseThrow();
        DataDirLock lock;
        try {
            lock = DataDirLock.acquire(dataDir, "verify");
        } catch (IllegalStateException running) { // OverlappingFileLockException too: a daemon in this JVM
            log.accept("the daemon runs: reading its clone " + state.host() + ":" + state.port());
            return new MigrationTarget(described(state), null, null);
        }
        try {
            String dir = state.details().get("directory");
            if (LocalProvisioner.KIND.equals(state.kind()) && (dir == null || MariaDbServer.runningServerPid(Path.of(dir)) <= 0)) {
                log.accept("the daemon is stopped: starting the local clone's server on its datadir for the verification");
                LocalProvisioner p = new LocalProvisioner(stateDir, config.target().localSettings());
                ProvisionedServer s = p.provision(name);
                return new MigrationTarget(new Endpoint(s.host(), s.port(), s.user(), s.password(), Endpoint.optionsOf(s.jdbcUrl())), lock, p);
            }
            return new MigrationTarget(described(state), lock, null);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static Endpoint described(ProvisionerState s) {
        if (s.port() <= 0) {
            throw new IllegalStateException("the clone of migration " + s.migrationId() + " was never started (provisioner state has no port)");
        }
        return new Endpoint(s.host(), s.port(), s.user(), s.credentialRef() == null ? "" : s.credentialRef().resolve(),
                Endpoint.optionsOf(s.jdbcUrl()));
    }

    @Override
    public void close() {
        try {
            if (started != null) {
                started.close(); // stops the server, keeps its datadir for the daemon
            }
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}

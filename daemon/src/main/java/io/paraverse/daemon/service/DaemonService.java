package io.paraverse.daemon.service;

import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The migrations one daemon hosts, each on its own {@link MigrationRunner}. Definitions come from the files given on
 * the command line and from those created through the API, which are kept in {@code <data-dir>/definitions/} so a
 * restarted daemon runs them again. While a migration uses an ec2 target, the EC2 reaper runs periodically
 * ({@link Ec2ReapSchedule}).
 */
public final class DaemonService implements AutoCloseable {
    private final Path dataDir;
    private final BiConsumer<String, String> say;
    private final BiConsumer<String, io.paraverse.daemon.migration.state.MigrationState.Transition> transitions;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, MigrationRunner> runners = new LinkedHashMap<>();
    private final Ec2ReapSchedule ec2Reaper = new Ec2ReapSchedule(this::runners);

    /**
     * @param say         receives each migration's status lines
     * @param transitions receives each migration's phase transitions once saved
     */
    public DaemonService(Path dataDir, BiConsumer<String, String> say,
                         BiConsumer<String, io.paraverse.daemon.migration.state.MigrationState.Transition> transitions) {
        this.dataDir = dataDir;
        this.say = say;
        this.transitions = transitions;
    }

    public Path dataDir() {
        return dataDir;
    }

    private Path definitions() {
        return dataDir.resolve("definitions");
    }

    /** Starts every migration: the files given, then those created through the API before (unless named again). */
    public void startAll(List<Path> files) {
        List<MigrationConfig> configs = new ArrayList<>();
        for (Path f : files) {
            configs.add(MigrationConfigLoader.load(f)); // every file valid before anything starts
        }
        if (Files.isDirectory(definitions())) {
            try (var stored = Files.list(definitions())) {
                for (Path f : stored.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                    MigrationConfig c = MigrationConfigLoader.load(f);
                    if (configs.stream().noneMatch(x -> x.name().equals(c.name()))) {
                        configs.add(c);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + definitions(), e);
            }
        }
        for (MigrationConfig c : configs) {
            start(c);
        }
    }

    /**
     * Creates and starts a migration from a definition posted to the API: validated first (errors name the field);
     * kept in the data directory. Relative paths in it resolve against {@code baseDir}.
     */
    public synchronized MigrationRunner create(String yaml, Path baseDir) {
        MigrationConfig config = MigrationConfigLoader.parse("posted definition", yaml, baseDir);
        if (runners.containsKey(config.name())) {
            throw new DuplicateMigrationException(config.name());
        }
        try {
            Files.createDirectories(definitions());
            Path tmp = definitions().resolve(config.name() + ".yaml.tmp");
            Files.writeString(tmp, yaml);
            Files.move(tmp, definitions().resolve(config.name() + ".yaml"), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the definition in " + definitions(), e);
        }
        return start(config);
    }

    private synchronized MigrationRunner start(MigrationConfig c) {
        Migration m = new Migration(c, dataDir, line -> say.accept(c.name(), line));
        m.onTransition(t -> transitions.accept(c.name(), t));
        MigrationRunner r = new MigrationRunner(m, running::get, line -> say.accept(c.name(), line));
        runners.put(c.name(), r);
        ec2Reaper.migrationStarted(c);
        return r.start();
    }

    /**
     * Removes an ABORTED migration from this daemon so its name can be used again: its definition goes, and its
     * directory (state, logs) is kept as {@code <name>.forgotten-<time>} for the record. Other phases are refused: a
     * live migration is aborted first, and a CUT_OVER one is what the application runs on now.
     */
    public synchronized Path forget(String name) throws java.io.IOException, InterruptedException {
        MigrationRunner r = runners.get(name);
        if (r == null) {
            throw new java.util.NoSuchElementException("no migration named '" + name + "' in this daemon");
        }
        var phase = r.state().phase();
        if (phase != io.paraverse.daemon.migration.state.Phase.ABORTED) {
            throw new io.paraverse.daemon.migration.PhaseConflictException("forget", phase,
                    List.of(io.paraverse.daemon.migration.state.Phase.ABORTED));
        }
        r.retire();
        r.migration().close();
        runners.remove(name);
        Files.deleteIfExists(definitions().resolve(name + ".yaml"));
        Path dir = dataDir.resolve(name);
        Path kept = dataDir.resolve(name + ".forgotten-" + java.time.Instant.now().toString().replace(':', '-'));
        if (Files.exists(dir)) {
            Files.move(dir, kept);
        }
        say.accept(name, "forgotten; its state and logs are kept in " + kept);
        return kept;
    }

    public synchronized List<MigrationRunner> runners() {
        return List.copyOf(runners.values());
    }

    public synchronized Optional<MigrationRunner> runner(String name) {
        return Optional.ofNullable(runners.get(name));
    }

    public boolean running() {
        return running.get();
    }

    /**
     * Stops every migration at its next safe point (state kept; a running copy or upgrade command is not cut short:
     * it gets up to a minute) and closes them.
     */
    @Override
    public void close() {
        running.set(false);
        ec2Reaper.close();
        List<MigrationRunner> all = runners();
        long deadline = System.currentTimeMillis() + 60_000;
        for (MigrationRunner r : all) {
            try {
                r.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        all.forEach(r -> r.migration().close());
    }

    /** A migration of that name exists already in this daemon. */
    public static final class DuplicateMigrationException extends IllegalStateException {
        public DuplicateMigrationException(String name) {
            super("a migration named '" + name + "' exists already in this daemon; choose another name");
        }
    }
}

package io.paraverse.daemon.cli;

import io.paraverse.daemon.migration.DataDirLock;
import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The long-running daemon: drives each migration from its file through its phases to READY and keeps it caught up
 * there. State lives in the data directory, so a daemon killed at any moment (even kill -9) continues where it was
 * when started again with the same data directory. SIGTERM stops it gracefully.
 */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = {"Run migrations: provision, clone, upgrade, catch up to READY, and keep them caught up.",
                "State is kept in --data-dir: start the daemon again after a crash and every migration continues.",
                "SIGTERM (Ctrl-C) stops it cleanly; status lines go to stdout."})
public final class DaemonCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--data-dir", required = true, paramLabel = "DIR", description = "where migration state is kept") Path dataDir;
    @Parameters(arity = "1..*", paramLabel = "MIGRATION.yaml", description = "migration files (docs/MIGRATION.md)") List<Path> files;
    @Option(names = "--status-every", defaultValue = "10", paramLabel = "SECONDS", description = "status line interval (default ${DEFAULT-VALUE})")
    int statusEvery;

    @Override
    public Integer call() throws Exception {
        DataDirLock lock = DataDirLock.acquire(dataDir, "another daemon"); // held until the process ends
        List<MigrationConfig> configs = new ArrayList<>();
        for (Path f : files) {
            configs.add(MigrationConfigLoader.load(f)); // every file valid before anything starts
        }
        AtomicBoolean running = new AtomicBoolean(true);
        CountDownLatch done = new CountDownLatch(configs.size());
        List<Migration> migrations = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (MigrationConfig c : configs) {
            Migration m = new Migration(c, dataDir, line -> say(c.name(), line));
            migrations.add(m);
            Thread t = new Thread(() -> {
                try {
                    while (running.get()) {
                        if (!m.runUntilReady(running::get)) {
                            say(c.name(), "stopped in phase " + m.state().phase()
                                    + (m.state().failure() == null ? "" : " -- " + m.state().failure()));
                            break;
                        }
                        say(c.name(), "READY: the clone is caught up and kept so; cutover when you are ready");
                        if (m.holdReady(running::get)) {
                            break; // stopped, paused or failed: said by the migration
                        }
                    }
                } catch (RuntimeException e) {
                    say(c.name(), "stopped: " + e.getMessage());
                } finally {
                    done.countDown();
                }
            }, "migration-" + c.name());
            t.start();
            threads.add(t);
        }
        var ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "daemon-status");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            for (int i = 0; i < migrations.size(); i++) {
                try {
                    var st = migrations.get(i).status();
                    if (st.phase() != null) {
                        say(configs.get(i).name(), st.line());
                    }
                } catch (RuntimeException e) {
                    say(configs.get(i).name(), "status unavailable: " + e.getMessage());
                }
            }
        }, statusEvery, statusEvery, java.util.concurrent.TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            for (Thread t : threads) {
                try {
                    t.join(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            migrations.forEach(Migration::close);
        }, "daemon-shutdown"));
        done.await();
        ticker.shutdownNow();
        migrations.forEach(Migration::close);
        lock.close();
        return migrations.stream().allMatch(m -> m.state() != null && m.state().phase().working()) ? 0 : 1;
    }

    private static synchronized void say(String migration, String line) {
        System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " [" + migration + "] " + line);
        System.out.flush();
    }
}

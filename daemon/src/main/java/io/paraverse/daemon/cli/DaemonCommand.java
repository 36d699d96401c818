package io.paraverse.daemon.cli;

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

    @Override
    public Integer call() throws Exception {
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
                    if (m.runUntilReady(running::get)) {
                        say(c.name(), "READY: the clone is caught up and kept so; cutover when you are ready");
                        while (running.get()) {
                            Thread.sleep(500); // apply keeps running on the pipeline's own thread
                        }
                    } else {
                        say(c.name(), "stopped in phase " + m.state().phase()
                                + (m.state().failure() == null ? "" : " -- " + m.state().failure()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    say(c.name(), "stopped: " + e.getMessage());
                } finally {
                    done.countDown();
                }
            }, "migration-" + c.name());
            t.start();
            threads.add(t);
        }
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
        migrations.forEach(Migration::close);
        return migrations.stream().allMatch(m -> m.state() != null && m.state().phase().working()) ? 0 : 1;
    }

    private static synchronized void say(String migration, String line) {
        System.out.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + " [" + migration + "] " + line);
        System.out.flush();
    }
}

package io.paraverse.daemon.migration.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** One step of the application's upgrade, as the upgrade section describes it (for an upgrade runner's spec). */
public sealed interface UpgradeStep {
    /** A SQL file run on the clone, with {@code database} as the connection's default database (null: none). */
    record SqlFile(Path file, Duration timeout, String database) implements UpgradeStep { }

    /** A command (argv, no shell) run in {@code workdir}. */
    record Command(List<String> argv, Path workdir, Duration timeout) implements UpgradeStep {
        public Command {
            argv = List.copyOf(argv);
        }
    }
}

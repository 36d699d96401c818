package io.paraverse.daemon.cli;

import io.paraverse.daemon.migration.DataDirLock;
import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.config.MigrationConfigLoader;
import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.migration.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Operator commands on a migration's persisted state, for when the daemon is stopped (the REST API comes later). */
@Command(name = "migration", mixinStandardHelpOptions = true,
        description = "Inspect or steer a migration's state in a daemon data directory (the daemon must be stopped to change it).",
        subcommands = {MigrationCommand.Show.class, MigrationCommand.Retry.class, MigrationCommand.AcknowledgeDdl.class})
public final class MigrationCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a migration's phase, failure and timeline.")
    static final class Show implements Callable<Integer> {
        @Option(names = "--data-dir", required = true) Path dataDir;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--json", description = "print the state document (docs/STATE.md) as JSON") boolean json;

        @Override
        public Integer call() throws Exception {
            MigrationState s = new StateStore(dataDir).load(name)
                    .orElseThrow(() -> new IllegalArgumentException("no migration '" + name + "' in " + dataDir));
            if (json) {
                System.out.println(new com.fasterxml.jackson.databind.ObjectMapper()
                        .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                        .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .writerWithDefaultPrettyPrinter().writeValueAsString(s));
                return 0;
            }
            System.out.println(name + ": " + s.phase() + (s.interrupted() == null ? "" : " (interrupted " + s.interrupted() + ")"));
            if (s.failure() != null) {
                System.out.println("failure: " + s.failure());
            }
            if (s.clonePointGtid() != null) {
                System.out.println("clone point: " + s.clonePointGtid());
            }
            s.history().forEach(t -> System.out.println("  " + t.at() + "  " + (t.from() == null ? "" : t.from() + " -> ") + t.to()
                    + (t.reason() == null ? "" : "  (" + t.reason() + ")")));
            return 0;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = {"Send a FAILED or PAUSED migration back to work: to the phase it stopped in, or, for a failed",
                    "upgrade, to CLONING (the clone may be half-upgraded). Then start the daemon again."})
    static final class Retry implements Callable<Integer> {
        @Option(names = "--data-dir", required = true) Path dataDir;
        @Option(names = "--reason", required = true, description = "why (kept in the timeline)") String reason;
        @Parameters(paramLabel = "MIGRATION.yaml") Path file;

        @Override
        public Integer call() throws Exception {
            try (DataDirLock lock = DataDirLock.acquire(dataDir, "migration retry");
                 Migration m = new Migration(MigrationConfigLoader.load(file), dataDir, line -> System.out.println(line))) {
                m.retry(reason);
                System.out.println("now " + m.state().phase() + "; start the daemon to continue");
            }
            return 0;
        }
    }

    @Command(name = "acknowledge-ddl", mixinStandardHelpOptions = true,
            description = {"Let a source schema change through (after preparing the clone and translators for it) and",
                    "resume the migration paused on it. Then start the daemon again."})
    static final class AcknowledgeDdl implements Callable<Integer> {
        @Option(names = "--data-dir", required = true) Path dataDir;
        @Option(names = "--gtid", required = true, description = "the DDL's GTID, as the pause reported it") String gtid;
        @Option(names = "--reason", required = true) String reason;
        @Parameters(paramLabel = "MIGRATION.yaml") Path file;

        @Override
        public Integer call() throws Exception {
            try (DataDirLock lock = DataDirLock.acquire(dataDir, "acknowledge-ddl");
                 Migration m = new Migration(MigrationConfigLoader.load(file), dataDir, line -> System.out.println(line))) {
                m.acknowledgeDdl(gtid, reason);
                System.out.println("now " + m.state().phase() + "; start the daemon to continue");
            }
            return 0;
        }
    }
}

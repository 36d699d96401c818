package io.paraverse.daemon.cli;

import io.paraverse.applier.ApplierOptions;
import io.paraverse.applier.SkipRequests;
import io.paraverse.daemon.pipeline.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.Callable;

/** Asks a pipeline's applier to skip one source transaction, audited on the target. */
@Command(name = "skip", mixinStandardHelpOptions = true,
        description = {"Ask the applier of a pipeline to apply none of the rows of one source transaction (by GTID).",
                "The request is stored on the target; the applier reads it when it starts (or when it stops on a",
                "failure), skips that transaction only, and records the skip in paraverse.skip_audit in the same",
                "target transaction that moves its checkpoint past it."})
public final class SkipCommand implements Callable<Integer> {

    @Option(names = "--name", required = true, description = "pipeline name (the target's checkpoint row)") String name;
    @Option(names = "--gtid", required = true, paramLabel = "D-S-N", description = "GTID of the source transaction to skip")
    String gtid;
    @Option(names = "--reason", required = true, description = "why (stored in the audit)") String reason;
    @Option(names = "--target", required = true, paramLabel = "HOST:PORT") String target;
    @Option(names = "--target-user", required = true) String targetUser;
    @Option(names = "--target-password-env", paramLabel = "VAR") String targetPasswordEnv;
    @Option(names = "--target-password-file", paramLabel = "FILE") Path targetPasswordFile;

    @Override
    public Integer call() throws Exception {
        if (reason.isBlank()) {
            throw new IllegalArgumentException("--reason must say why the transaction is skipped (it is audited)");
        }
        Endpoint t = ReplicateCommand.endpoint("--target", target, targetUser,
                Secrets.read("--target-password", targetPasswordEnv, targetPasswordFile));
        String by = System.getProperty("user.name", "unknown");
        try (Connection c = DriverManager.getConnection(t.jdbcUrl(""), t.user(), t.password())) {
            String what = SkipRequests.submit(c, ApplierOptions.DEFAULT_CHECKPOINT_SCHEMA, name, gtid, reason, by);
            System.out.println("skip request stored on " + t + " (requested by " + by + "): " + what);
        }
        return 0;
    }
}

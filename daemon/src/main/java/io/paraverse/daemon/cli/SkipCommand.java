package io.paraverse.daemon.cli;

import io.paraverse.applier.ApplierOptions;
import io.paraverse.applier.SkipRequests;
import io.paraverse.daemon.cli.client.OperatorRequestCommands;
import io.paraverse.daemon.pipeline.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

/**
 * Asks an applier to skip one source transaction, audited on the target: through the daemon's API for a migration
 * ({@code paraverse skip NAME --gtid G --reason R}), or straight on the target for a pipeline run by
 * {@code paraverse replicate} ({@code --name}, {@code --target}).
 */
@Command(name = "skip", mixinStandardHelpOptions = true,
        description = {"Ask the applier to apply none of the rows of one source transaction (by GTID), audited.",
                "Migration in a daemon: `skip NAME --gtid G --reason R` (a migration FAILED on it resumes).",
                "Pipeline of `paraverse replicate`: `skip --name PIPELINE --target HOST:PORT --target-user U ...`.",
                "The request is stored on the target; the applier skips that transaction only and records the skip in",
                "paraverse.skip_audit in the same target transaction that moves its checkpoint past it."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:requested", "1:failed", "2:bad usage", "3:daemon unreachable", "4:not allowed in the current phase",
                "5:no such migration", "6:missing or wrong token"})
public final class SkipCommand extends OperatorRequestCommands.Request {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the migration (daemon API mode)") String migration;
    @Option(names = "--gtid", required = true, paramLabel = "D-S-N", description = "GTID of the source transaction to skip")
    String gtid;
    @Option(names = "--name", description = "pipeline name (the target's checkpoint row; direct mode)") String pipelineName;
    @Option(names = "--target", paramLabel = "HOST:PORT", description = "the target (direct mode)") String target;
    @Option(names = "--target-user") String targetUser;
    @Option(names = "--target-password-env", paramLabel = "VAR") String targetPasswordEnv;
    @Option(names = "--target-password-file", paramLabel = "FILE") Path targetPasswordFile;

    @Override
    protected String action() {
        return "skip";
    }

    @Override
    protected String migrationName() {
        return migration;
    }

    @Override
    protected Map<String, Object> body() {
        Map<String, Object> b = super.body();
        b.put("gtid", gtid);
        return b;
    }

    @Override
    public Integer call() throws Exception {
        if (reason.isBlank()) {
            throw new IllegalArgumentException("--reason must say why the transaction is skipped (it is audited)");
        }
        if (target == null) {
            if (migration == null) {
                throw new IllegalArgumentException("give the migration NAME (daemon) or --name and --target (a replicate pipeline)");
            }
            return super.call();
        }
        if (pipelineName == null || targetUser == null) {
            throw new IllegalArgumentException("direct mode needs --name and --target-user with --target");
        }
        Endpoint t = ReplicateCommand.endpoint("--target", target, targetUser,
                Secrets.read("--target-password", targetPasswordEnv, targetPasswordFile));
        String by = System.getProperty("user.name", "unknown");
        try (Connection c = DriverManager.getConnection(t.jdbcUrl(""), t.user(), t.password())) {
            String what = SkipRequests.submit(c, ApplierOptions.DEFAULT_CHECKPOINT_SCHEMA, pipelineName, gtid, reason, by);
            System.out.println("skip request stored on " + t + " (requested by " + by + "): " + what);
        }
        return 0;
    }
}

package io.paraverse.daemon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.paraverse.clone.ChunkedCopy;
import io.paraverse.clone.SchemaCopier;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.clone.SnapshotMethod;
import io.paraverse.cloud.LocalProvisioner;
import io.paraverse.cloud.ProvisionedServer;
import io.paraverse.daemon.clone.CloneRun;
import io.paraverse.daemon.pipeline.Endpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Clones the source onto a target and catches it up: the first phase of a migration, runnable on its own. */
@Command(name = "clone", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Copy the source's schemas onto the target and bring it up to the source's current position.",
                "Methods: snapshot (one consistent read view, fastest, rerun from scratch on failure),",
                "chunked (capture first, then key chunks under row locks; resumes after a crash: run the same command again),",
                "existing (you restored a backup on the target: give --gtid; Paraverse verifies the target and catches it up).",
                "Afterwards `paraverse replicate` with the same --name and --journal keeps the target following the source."})
public final class CloneCommand implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "clone/pipeline name (progress rows on the target are keyed by it)")
    String name;
    @Option(names = "--source", required = true, paramLabel = "HOST:PORT") String source;
    @Option(names = "--source-user", required = true) String sourceUser;
    @Option(names = "--source-password-env", paramLabel = "VAR") String sourcePasswordEnv;
    @Option(names = "--source-password-file", paramLabel = "FILE") Path sourcePasswordFile;
    @Option(names = "--target", required = true, paramLabel = "HOST:PORT|local",
            description = "the target server, or `local`: a private MariaDB this command starts (datadir under --state-dir, kept when it ends)")
    String target;
    @Option(names = "--target-user", description = "required unless --target local") String targetUser;
    @Option(names = "--state-dir", defaultValue = "paraverse-state", paramLabel = "DIR",
            description = "with --target local: where the provisioned server and its state live (default ${DEFAULT-VALUE})")
    Path stateDir;
    @Option(names = "--target-password-env", paramLabel = "VAR") String targetPasswordEnv;
    @Option(names = "--target-password-file", paramLabel = "FILE") Path targetPasswordFile;
    @Option(names = "--include", required = true, split = ",", paramLabel = "DB[.TABLE]", description = "schemas or tables to clone")
    List<String> include;
    @Option(names = "--method", defaultValue = "snapshot", description = "snapshot | chunked | existing (default: ${DEFAULT-VALUE})")
    CloneRun.Method method;
    @Option(names = "--journal", required = true, paramLabel = "DIR", description = "journal directory for catch-up (keep it for replicate)")
    Path journal;
    @Option(names = "--gtid", paramLabel = "POS", description = "with --method existing: the source GTID position of the restored backup")
    String gtid;
    @Option(names = "--overwrite", description = "allow target schemas that already hold tables (the cloned tables are recreated)")
    boolean overwrite;
    @Option(names = "--allow-no-primary-key", description = "snapshot method: copy tables without a primary key (catch-up cannot apply updates/deletes to them reliably)")
    boolean allowNoPrimaryKey;
    @Option(names = "--allow-non-innodb", description = "snapshot method: copy non-InnoDB tables (no consistent read: only safe while nothing writes them)")
    boolean allowNonInnoDb;
    @Option(names = "--snapshot-lock", description = "snapshot method: take the brief global read lock (MySQL 8 sources; held"
            + " for the whole copy when --allow-non-innodb tables are included) instead of MariaDB's lock-free consistent snapshot")
    boolean snapshotLock;
    @Option(names = "--readers", defaultValue = "2", description = "snapshot: source connections sharing the snapshot (default ${DEFAULT-VALUE})")
    int readers;
    @Option(names = "--writers", defaultValue = "4", description = "snapshot: target connections writing chunks (default ${DEFAULT-VALUE})")
    int writers;
    @Option(names = "--copiers", defaultValue = "2", description = "chunked: tables copied at once (default ${DEFAULT-VALUE})")
    int copiers;
    @Option(names = "--chunk-rows", description = "rows per chunk (default: 5000 snapshot, 1000 chunked: rows stay locked for one chunk)")
    Integer chunkRows;
    @Option(names = "--catch-up-timeout", defaultValue = "3600", paramLabel = "SECONDS") long catchUpTimeout;
    @Option(names = "--json", description = "print the result as JSON on stdout (progress goes to stderr)")
    boolean json;
    @Option(names = "--quiet", description = "no progress bar")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (method == CloneRun.Method.CHUNKED && allowNoPrimaryKey) {
            throw new IllegalArgumentException("--allow-no-primary-key works only with --method snapshot: the chunked method"
                    + " needs a primary key to checkpoint and upsert each chunk");
        }
        SchemaCopier.Options schema = new SchemaCopier.Options(include, overwrite, allowNoPrimaryKey, allowNonInnoDb);
        SnapshotClone.Options snapshot = SnapshotClone.Options.of(schema).withReaders(readers).withWriters(writers)
                .withSnapshotMethod(snapshotLock ? SnapshotMethod.GLOBAL_READ_LOCK : SnapshotMethod.CONSISTENT_SNAPSHOT);
        ChunkedCopy.Options chunked = ChunkedCopy.Options.defaults().withCopiers(copiers)
                .withResumeHint("run the same `paraverse clone` command again");
        if (chunkRows != null) {
            snapshot = snapshot.withChunkRows(chunkRows);
            chunked = chunked.withChunkRows(chunkRows);
        }
        PrintStream out = json ? System.err : System.out;
        LocalProvisioner local = null;
        Endpoint targetEndpoint;
        if (target.equals("local")) {
            local = new LocalProvisioner(stateDir);
            ProvisionedServer server = local.provision(name);
            out.println("clone: target is the local server " + server.address() + " (" + server.details().get("directory") + ")");
            targetEndpoint = new Endpoint(server.host(), server.port(), server.user(), server.password());
        } else {
            if (targetUser == null) {
                throw new IllegalArgumentException("--target-user is required with --target HOST:PORT");
            }
            targetEndpoint = ReplicateCommand.endpoint("--target", target, targetUser,
                    Secrets.read("--target-password", targetPasswordEnv, targetPasswordFile));
        }
        CloneRun.Config config = new CloneRun.Config(name,
                ReplicateCommand.endpoint("--source", source, sourceUser, Secrets.read("--source-password", sourcePasswordEnv, sourcePasswordFile)),
                targetEndpoint, include, method, journal, schema, snapshot, chunked, gtid, Duration.ofSeconds(catchUpTimeout));
        CloneRun.Result r;
        try (var view = new io.paraverse.daemon.clone.CloneProgressView(quiet ? null : System.err, 0)) {
            r = new CloneRun(config, view, line -> out.println("clone: " + line)).run();
        } finally {
            if (local != null) {
                local.close(); // stops the server, keeps its datadir and state: the migration starts it again by name
            }
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("method", r.method().name().toLowerCase(java.util.Locale.ROOT));
            m.put("clone_point_gtid", r.clonePointGtid());
            m.put("caught_up_to_gtid", r.caughtUpTo());
            m.put("caught_up_to_binlog", r.caughtUpBinlog());
            Map<String, Long> rows = new LinkedHashMap<>();
            r.rowsCopied().forEach((t, n) -> rows.put(t.toString(), n));
            m.put("rows_copied", rows);
            m.put("total_rows", r.totalRows());
            m.put("skipped", r.skipped());
            m.put("objects", r.objects());
            m.put("deferred_to_cutover", r.deferred().stream().map(Object::toString).toList());
            m.put("warnings", r.warnings());
            m.put("copy_seconds", r.copyTime().toMillis() / 1000.0);
            m.put("catch_up_seconds", r.catchUpTime().toMillis() / 1000.0);
            m.put("resumed", r.resumed());
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
        } else {
            double secs = Math.max(0.001, r.copyTime().toMillis() / 1000.0);
            out.printf("%-40s %12s%n", "table", "rows");
            r.rowsCopied().forEach((t, n) -> out.printf("%-40s %,12d%n", t, n));
            out.printf("copied %,d rows in %.1f s (%,.0f rows/s); caught up in %.1f s%n", r.totalRows(), secs, r.totalRows() / secs,
                    r.catchUpTime().toMillis() / 1000.0);
            r.skipped().forEach(s -> out.println("  " + s));
            r.objects().forEach(s -> out.println("  " + s));
            r.deferred().forEach(d -> out.println("  deferred: " + d + " (created at cutover: it would fire again on replayed changes)"));
            r.warnings().forEach(w -> out.println("  WARNING: " + w));
            out.println("clone point " + r.clonePointGtid() + "; the target equals the source as of GTID " + r.caughtUpTo()
                    + (r.caughtUpBinlog() == null ? "" : " (binlog " + r.caughtUpBinlog() + ")"));
            out.println(target.equals("local")
                    ? "the local target is stopped and kept in " + stateDir + "; the migration with name " + name + " starts it again"
                    : "continue with: paraverse replicate --name " + name + " --journal " + journal + " ...");
        }
        return 0;
    }
}

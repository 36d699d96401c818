package io.paraverse.daemon.cli;

import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.pipeline.PipelineStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Streams row changes from a source to a target continuously, until stopped (SIGTERM / Ctrl-C). */
@Command(name = "replicate", mixinStandardHelpOptions = true,
        description = {"Stream the source's row changes into the target until stopped; safe to kill at any moment.",
                "Captures the binlog into a journal and applies it with identity translation; a restart resumes",
                "with nothing lost or applied twice."})
public final class ReplicateCommand implements Callable<Integer> {

    @Option(names = "--name", required = true, description = "pipeline name (the target's checkpoint row)")
    String name;
    @Option(names = "--source", required = true, paramLabel = "HOST:PORT") String source;
    @Option(names = "--source-user", required = true) String sourceUser;
    @Option(names = "--source-password-env", paramLabel = "VAR", description = "environment variable holding the source password")
    String sourcePasswordEnv;
    @Option(names = "--source-password-file", paramLabel = "FILE") Path sourcePasswordFile;
    @Option(names = "--target", required = true, paramLabel = "HOST:PORT") String target;
    @Option(names = "--target-user", required = true) String targetUser;
    @Option(names = "--target-password-env", paramLabel = "VAR") String targetPasswordEnv;
    @Option(names = "--target-password-file", paramLabel = "FILE") Path targetPasswordFile;
    @Option(names = "--journal", required = true, paramLabel = "DIR", description = "journal directory") Path journal;
    @Option(names = "--include", split = ",", paramLabel = "SCHEMA.TABLE", description = "tables to carry (wildcard *)")
    List<String> include = List.of();
    @Option(names = "--exclude", split = ",", paramLabel = "SCHEMA.TABLE") List<String> exclude = List.of();
    @Option(names = "--start-gtid", paramLabel = "POS",
            description = "GTID position to start at when the journal is empty (default: the source's current position)")
    String startGtid;
    @Option(names = "--status-every", defaultValue = "5", paramLabel = "SECONDS") int statusEvery;
    @Option(names = "--workers", defaultValue = "1", paramLabel = "N",
            description = "target connections applying in parallel, scheduled by write-set (default 1)")
    int workers;
    @picocli.CommandLine.Mixin TranslatorOptions translators;

    @Override
    public Integer call() throws Exception {
        Endpoint src = endpoint("--source", source, sourceUser, Secrets.read("--source-password", sourcePasswordEnv, sourcePasswordFile));
        Endpoint tgt = endpoint("--target", target, targetUser, Secrets.read("--target-password", targetPasswordEnv, targetPasswordFile));
        PipelineConfig cfg = PipelineConfig.builder().name(name).source(src).target(tgt)
                .journalDir(journal).include(include).exclude(exclude).startGtid(startGtid).applyWorkers(workers)
                .translator(translators.build(io.paraverse.daemon.pipeline.TranslatorSetup.Schemas.of(src, tgt))).build();
        CountDownLatch stopped = new CountDownLatch(1);
        try (Pipeline p = Pipeline.start(cfg)) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                p.close();
                stopped.countDown();
            }));
            while (p.isRunning()) {
                PipelineStatus s = p.status();
                System.out.printf("captured %,d rows / %,d tx | applied %,d rows / %,d tx | capture %d s behind | applied up to %s | journal %,d KiB%n",
                        s.rowsCaptured(), s.transactionsCaptured(), s.rowsApplied(), s.transactionsApplied(),
                        s.captureSecondsBehind(), s.appliedGtidPosition(), s.journalBytes() / 1024);
                if (stopped.await(statusEvery, java.util.concurrent.TimeUnit.SECONDS)) {
                    return 0;
                }
            }
            System.err.println("paraverse: pipeline " + name + " stopped: " + p.failure().getMessage());
            return 1;
        }
    }

    static Endpoint endpoint(String option, String hostPort, String user, String password) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(option + ": expected HOST:PORT, got '" + hostPort + "'");
        }
        try {
            return new Endpoint(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)), user, password);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": port is not a number in '" + hostPort + "'");
        }
    }
}

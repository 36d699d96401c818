package io.paraverse.daemon.service;

import io.paraverse.daemon.migration.Migration;
import io.paraverse.daemon.migration.MigrationStatus;
import io.paraverse.daemon.migration.PhaseConflictException;
import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.migration.state.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs one migration on its own thread, for as long as the daemon runs: through its phases to READY, keeps it
 * caught up there, drops back to CATCHING_UP when it falls behind, and carries out the operator's requests (pause,
 * resume, abort, acknowledge a DDL, skip). Requests are checked against the phase when they are made (a
 * {@link PhaseConflictException} says which phases allow them) and then carried out on the migration's own thread,
 * which is the only one that changes its state.
 */
public final class MigrationRunner {
    private static final Logger log = LoggerFactory.getLogger(MigrationRunner.class);

    /** What an operator can ask of a running migration. */
    public sealed interface Request permits Pause, Resume, Abort, AcknowledgeDdl, Skip, Cutover { }

    public record Pause(String reason) implements Request { }

    public record Resume(String reason) implements Request { }

    public record Abort(String reason) implements Request { }

    public record AcknowledgeDdl(String gtid, String reason) implements Request { }

    public record Skip(String gtid, String reason, String by) implements Request { }

    /** A cutover or its dry run; the report is the migration's {@code lastCutover()} once carried out. */
    public record Cutover(boolean dryRun, java.time.Duration timeout) implements Request { }

    private record Pending(Request request, CompletableFuture<MigrationState> done) { }

    private final Migration migration;
    private final Consumer<String> say;
    private final BooleanSupplier daemonRunning;
    private final BlockingQueue<Pending> requests = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean finished;
    private volatile boolean retired;
    /** Verifications run here, beside the migration's own thread: they only read. */
    private final java.util.concurrent.ScheduledExecutorService verifications;


    public MigrationRunner(Migration migration, BooleanSupplier daemonRunning, Consumer<String> say) {
        this.migration = migration;
        this.daemonRunning = daemonRunning;
        this.say = say;
        migration.load();
        this.thread = new Thread(this::run, "migration-" + migration.name());
        this.verifications = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "verify-" + migration.name());
            t.setDaemon(true);
            return t;
        });
    }

    public MigrationRunner start() {
        thread.start();
        var every = migration.config().verifyOrDefault().everyValue();
        if (every != null) {
            verifications.scheduleWithFixedDelay(this::continuousVerification, every.toSeconds(), every.toSeconds(), TimeUnit.SECONDS);
        }
        return this;
    }

    /** Runs a verification (FULL or SAMPLED); the future completes with its report. */
    public CompletableFuture<io.paraverse.daemon.verify.VerificationReport> verify(io.paraverse.daemon.verify.VerifyMode mode, int sample,
                                                                                 long rowsPerSecond) {
        checkAllowedVerify(migration.state().phase());
        CompletableFuture<io.paraverse.daemon.verify.VerificationReport> done = new CompletableFuture<>();
        verifications.execute(() -> {
            try {
                done.complete(migration.verify(mode, sample, rowsPerSecond));
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private static void checkAllowedVerify(Phase phase) {
        List<Phase> allowed = List.of(Phase.CATCHING_UP, Phase.READY, Phase.PAUSED);
        if (!allowed.contains(phase)) {
            throw new PhaseConflictException("verify", phase, allowed);
        }
    }

    /** The low-rate sampled check while catching up and READY (verify.every, verify.sample, verify.rate). */
    private void continuousVerification() {
        Phase p = migration.state().phase();
        if (finished || (p != Phase.CATCHING_UP && p != Phase.READY)) {
            return;
        }
        var v = migration.config().verifyOrDefault();
        try {
            migration.verify(io.paraverse.daemon.verify.VerifyMode.SAMPLED, v.sampleValue(), v.rateValue());
        } catch (Exception e) {
            say.accept("continuous verification failed: " + e.getMessage());
        }
    }

    public Migration migration() {
        return migration;
    }

    public String name() {
        return migration.name();
    }

    public MigrationState state() {
        return migration.state();
    }

    private MigrationStatus lastStatus;
    private long lastStatusNanos;

    /**
     * The migration's figures, at most a second old: the status page, metrics scrapes and the status line share one
     * look at production's position instead of each asking it.
     */
    public synchronized MigrationStatus status() {
        long now = System.nanoTime();
        if (lastStatus == null || now - lastStatusNanos > 1_000_000_000L || lastStatus.phase() != migration.state().phase()) {
            lastStatus = migration.status();
            lastStatusNanos = now;
        }
        return lastStatus;
    }

    /** Whether the runner's thread has ended (the daemon is stopping). */
    public boolean finished() {
        return finished;
    }

    /**
     * Asks for {@code request}; the returned future completes with the state once it is carried out. Throws
     * {@link PhaseConflictException} at once when the current phase does not allow it.
     */
    public CompletableFuture<MigrationState> submit(Request request) {
        checkAllowed(request, migration.state().phase());
        CompletableFuture<MigrationState> done = new CompletableFuture<>();
        requests.add(new Pending(request, done));
        if (request instanceof Abort && (state().phase() == Phase.CLONING || state().phase() == Phase.UPGRADING
                || state().phase() == Phase.PROVISIONING)) {
            thread.interrupt(); // copying and the upgrade command do not poll: interrupting stops them (the command's tree is killed)
        }
        return done;
    }

    static void checkAllowed(Request request, Phase phase) {
        List<Phase> allowed;
        if (request instanceof Pause) {
            allowed = List.of(Phase.CATCHING_UP, Phase.READY);
        } else if (request instanceof Resume) {
            allowed = List.of(Phase.PAUSED, Phase.FAILED);
        } else if (request instanceof AcknowledgeDdl) {
            allowed = List.of(Phase.PAUSED, Phase.CATCHING_UP, Phase.READY, Phase.UPGRADING, Phase.CLONING);
        } else if (request instanceof Skip) {
            allowed = List.of(Phase.CATCHING_UP, Phase.READY, Phase.FAILED, Phase.PAUSED);
        } else if (request instanceof Cutover c) {
            allowed = c.dryRun() ? List.of(Phase.READY) : List.of(Phase.READY, Phase.CUTTING_OVER);
        } else {
            allowed = List.of(Phase.PROVISIONING, Phase.CLONING, Phase.UPGRADING, Phase.CATCHING_UP, Phase.READY,
                    Phase.PAUSED, Phase.FAILED);
        }
        if (!allowed.contains(phase)) {
            throw new PhaseConflictException(operation(request), phase, allowed);
        }
    }

    private static String operation(Request r) {
        if (r instanceof Pause) {
            return "pause";
        } else if (r instanceof Resume) {
            return "resume";
        } else if (r instanceof AcknowledgeDdl) {
            return "acknowledge-ddl";
        } else if (r instanceof Skip) {
            return "skip";
        } else if (r instanceof Cutover c) {
            return c.dryRun() ? "cutover --dry-run" : "cutover";
        }
        return "abort";
    }

    /** Waits for the runner's thread to end. */
    public boolean join(long millis) throws InterruptedException {
        thread.join(millis);
        return !thread.isAlive();
    }

    /** Ends this runner's thread (the migration is being forgotten); waits for it. */
    void retire() throws InterruptedException {
        retired = true;
        thread.join(30_000);
    }

    private boolean keepWorking() {
        return daemonRunning.getAsBoolean() && !retired && requests.isEmpty();
    }

    private void run() {
        try {
            while (daemonRunning.getAsBoolean() && !retired) {
                Pending next = requests.poll();
                if (next != null) {
                    carryOut(next);
                    continue;
                }
                Phase phase = migration.state().phase();
                if (phase == Phase.READY) {
                    if (!migration.holdReady(this::keepWorking)) {
                        say.accept("fell behind: CATCHING_UP again");
                    }
                } else if (phase.working()) {
                    if (migration.runUntilReady(this::keepWorking)) {
                        say.accept("READY: the clone is caught up and kept so; cutover when you are ready");
                    } else if (!migration.state().phase().working()) {
                        say.accept("stopped in phase " + migration.state().phase()
                                + (migration.state().failure() == null ? "" : " -- " + migration.state().failure()));
                    }
                } else {
                    Thread.interrupted(); // a stale interrupt (an abort asked while the phase ended) must not end the wait
                    next = requests.poll(1, TimeUnit.SECONDS);
                    if (next != null) {
                        carryOut(next);
                    }
                }
                if (Thread.interrupted() && !daemonRunning.getAsBoolean()) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("migration {}: runner stopped", name(), e);
            say.accept("stopped: " + e.getMessage());
        } finally {
            finished = true;
            verifications.shutdownNow();
            for (Pending p; (p = requests.poll()) != null; ) {
                p.done().completeExceptionally(new IllegalStateException("the daemon is stopping; ask again after it restarts"));
            }
        }
    }

    private void carryOut(Pending p) {
        Thread.interrupted(); // the interrupt that woke a long phase for this request is used up
        try {
            checkAllowed(p.request(), migration.state().phase()); // the phase may have moved since it was asked
            Request r = p.request();
            if (r instanceof Pause x) {
                migration.pause(x.reason());
            } else if (r instanceof Resume x) {
                migration.retry(x.reason());
            } else if (r instanceof Abort x) {
                migration.abort(x.reason());
            } else if (r instanceof AcknowledgeDdl x) {
                migration.acknowledgeDdl(x.gtid(), x.reason());
            } else if (r instanceof Skip x) {
                migration.skip(x.gtid(), x.reason(), x.by());
            } else if (r instanceof Cutover x) {
                migration.cutover(x.dryRun(), x.timeout());
            }
            p.done().complete(migration.state());
        } catch (Exception e) {
            p.done().completeExceptionally(e);
        }
    }
}

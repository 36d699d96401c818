package io.paraverse.daemon.migration;

import io.paraverse.applier.ApplierOptions;
import io.paraverse.applier.ApplyException;
import io.paraverse.applier.SkipRequests;
import io.paraverse.daemon.clone.CloneProgressView;
import io.paraverse.daemon.cutover.CutoverReport;
import io.paraverse.daemon.cutover.TrafficSwitches;
import io.paraverse.daemon.migration.config.MigrationConfig;
import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.migration.state.StateStore;
import io.paraverse.daemon.upgrade.UpgradeRunner;
import io.paraverse.daemon.verify.SourceTableList;
import io.paraverse.daemon.verify.VerificationReport;
import io.paraverse.daemon.verify.VerifyMode;
import io.paraverse.daemon.verify.VerifyOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One migration, driven through its phases. {@link #runUntilReady} reads top to bottom as the list of phases; each
 * phase is a small class with one job. The state is saved before each transition takes effect, so a daemon killed at
 * any instant continues from the phase it was in (each phase can be run again; UPGRADING cannot be resumed safely on
 * a half-upgraded clone, so a restart there fails the migration, and a retry clones afresh: docs/STATE.md).
 */
public final class Migration implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Migration.class);
    /** How often a switch that failed after the point of no return is tried again. */
    private static final Duration SWITCH_RETRY = Duration.ofSeconds(5);
    private final MigrationContext ctx;
    private final StateStore store;
    private final Clock clock;
    private volatile MigrationState state;
    private volatile Consumer<MigrationState.Transition> transitions = t -> { };

    public Migration(MigrationConfig config, Path dataDir, Consumer<String> status) {
        this(config, dataDir, status, Clock.systemUTC());
    }

    Migration(MigrationConfig config, Path dataDir, Consumer<String> status, Clock clock) {
        this.store = new StateStore(dataDir);
        this.clock = clock;
        this.ctx = new MigrationContext(config, store.file(config.name()).getParent(), line -> {
            log.info("migration {}: {}", config.name(), line);
            status.accept(line);
        });
        this.sampler = new StatusSampler(ctx);
    }

    public MigrationState state() {
        return state;
    }

    /** Told of every phase transition once it is saved (structured logs, metrics). */
    public void onTransition(Consumer<MigrationState.Transition> listener) {
        this.transitions = listener;
    }

    public String name() {
        return ctx.config.name();
    }

    public MigrationConfig config() {
        return ctx.config;
    }

    /** Reads the persisted state (a new migration: the PROVISIONING state, saved); call before anything else. */
    public MigrationState load() {
        state = store.load(ctx.config.name()).orElseGet(() -> save(MigrationState.begin(ctx.config.name(), clock.instant())));
        ctx.acknowledgedDdl = Set.copyOf(state.acknowledgedDdl());
        ctx.clonePoint = state.clonePointGtid();
        if (state.phase() != Phase.ABORTED) {
            ctx.proxy(state.phase() == Phase.CUT_OVER); // the application connects through it from the start
        }
        return state;
    }

    /** The upgrade's log file (may not exist yet). */
    public Path upgradeLog() {
        return ctx.dir.resolve("upgrade.log");
    }

    private final StatusSampler sampler;

    /**
     * The migration's progress now (safe to call from any thread while it runs). Rates are measured over at least a
     * second, so frequent callers (status page, metrics scrapes, the status line) see the same rates.
     */
    public MigrationStatus status() {
        return sampler.sample(state);
    }

    /** The copy's progress per table (the last clone run's; empty before CLONING). */
    public List<CloneProgressView.TableProgress> copyProgress() {
        var view = ctx.copyProgress;
        return view == null ? List.of() : view.tables();
    }

    /** Runs the phases until READY (true), or until stopped, paused or failed (false). */
    public boolean runUntilReady(BooleanSupplier keepRunning) {
        load();
        if (state.phase() == Phase.UPGRADING) {
            UpgradeRunner.deleteLeftoverCredentials(ctx.dir); // the killed run's password files
            fail("the daemon stopped while the upgrade ran; the clone may be half-upgraded. Retry: the migration clones again");
            return false;
        }
        while (keepRunning.getAsBoolean() && state.phase().working()) {
            try {
                switch (state.phase()) {
                    case PROVISIONING -> {
                        ctx.target();
                        move(Phase.CLONING, null);
                    }
                    case CLONING -> {
                        // back from a failed upgrade: the clone may be half-upgraded, so it is made again from nothing
                        boolean fresh = state.history().get(state.history().size() - 1).from() == Phase.FAILED
                                && state.upgradeAttempts() > 0;
                        String clonePoint = ClonePhase.run(ctx, fresh);
                        state = save(state.withClonePoint(clonePoint, clock.instant()));
                        ctx.clonePoint = clonePoint;
                        move(Phase.UPGRADING, null);
                    }
                    case UPGRADING -> {
                        UpgradePhase.run(ctx);
                        move(Phase.CATCHING_UP, null);
                    }
                    case CATCHING_UP -> {
                        if (CatchUpPhase.run(ctx, keepRunning)) {
                            move(Phase.READY, null);
                        }
                    }
                    case READY -> {
                        return true; // apply keeps running; cutover is asked for
                    }
                    case CUTTING_OVER -> {
                        // a restart during a cutover, or a switch that failed past the point of no return: finish it or
                        // roll it back as its record says; a failing switch is retried every few seconds, not hammered
                        var last = lastCutover;
                        if (last != null && last.outcome() == CutoverReport.Outcome.SWITCH_PENDING
                                && last.at().isAfter(clock.instant().minus(SWITCH_RETRY))) {
                            Thread.sleep(200);
                            continue;
                        }
                        finishCutover(new CutoverPhase(ctx, cutoverTools()).resolveAfterRestart());
                    }
                    default -> throw new IllegalStateException("no work defined for phase " + state.phase());
                }
            } catch (SourceDdlException e) {
                move(Phase.PAUSED, e.getMessage());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                countTranslatorError(e);
                fail(state.phase() + ": " + describe(e));
                return false;
            }
        }
        return state.phase() == Phase.READY;
    }

    /**
     * Keeps a READY migration applying until asked to stop (true) or until the lag stays above the limit for the
     * sustained window: then it is CATCHING_UP again (false; call {@link #runUntilReady} again).
     */
    public boolean holdReady(BooleanSupplier keepRunning) {
        try {
            if (CatchUpPhase.holdReady(ctx, keepRunning)) {
                return true;
            }
            move(Phase.CATCHING_UP, "lag above " + CatchUpPhase.lagLimit(ctx) + " s for " + CatchUpPhase.sustained(ctx).toSeconds() + " s");
            return false;
        } catch (SourceDdlException e) {
            move(Phase.PAUSED, e.getMessage());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (Exception e) {
            countTranslatorError(e);
            fail(state.phase() + ": " + describe(e));
            return true;
        }
    }

    /**
     * Operator: let the source schema change at {@code gtid} through (the clone and translators are ready for it) and
     * resume a migration paused on it. Call from the thread that runs the migration (or when none runs it).
     */
    public void acknowledgeDdl(String gtid, String reason) {
        state = store.load(ctx.config.name()).orElseThrow(() -> new IllegalStateException("migration " + ctx.config.name() + " has no state yet"));
        state = save(state.withAcknowledgedDdl(gtid, clock.instant()));
        ctx.acknowledgedDdl = Set.copyOf(state.acknowledgedDdl());
        if (ctx.pipeline() != null) {
            ctx.pipeline(null); // its capture stopped at the DDL: the next phase run restarts it with the DDL let through
        }
        if (state.phase() == Phase.PAUSED) {
            move(state.interrupted(), "source DDL " + gtid + " acknowledged: " + reason);
        }
    }

    /**
     * Operator: stop applying (capture goes on, so nothing is lost; the journal grows) and stay PAUSED until resumed.
     * Only where apply runs on its own: CATCHING_UP and READY. Call from the thread that runs the migration.
     */
    public void pause(String reason) {
        requirePhase("pause", Phase.CATCHING_UP, Phase.READY);
        if (ctx.pipeline() != null) {
            ctx.pipeline().pauseApply();
        }
        move(Phase.PAUSED, "paused by operator: " + reason);
    }

    /**
     * Operator: give up this migration. Its pipeline stops, the target is released (a local server and its datadir are
     * deleted unless {@code keep: true}; an existing server is left as it is) and the journal is deleted. Production
     * is not touched. Final. Call from the thread that runs the migration (or when none runs it).
     */
    public void abort(String reason) {
        if (state == null) {
            load();
        }
        if (state.phase().terminal()) {
            throw new IllegalStateException("migration " + name() + " is " + state.phase() + " already; nothing to abort");
        }
        try {
            ctx.teardown();
        } catch (Exception e) {
            log.warn("migration {}: teardown on abort incomplete: {}", name(), describe(e));
            ctx.status.accept("abort: teardown incomplete (" + describe(e) + "); check " + ctx.dir);
        }
        move(Phase.ABORTED, "aborted by operator: " + reason);
    }

    /**
     * Operator: store an audited request that the applier apply none of the rows of source transaction {@code gtid}
     * (it failed to translate or apply); a migration FAILED on it goes back to work and passes it.
     */
    public String skip(String gtid, String reason, String by) throws SQLException {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a skip needs a reason (it is audited)");
        }
        requirePhase("skip", Phase.CATCHING_UP, Phase.READY, Phase.FAILED, Phase.PAUSED);
        var t = ctx.target();
        String what;
        try (var c = DriverManager.getConnection(t.jdbcUrl(""), t.user(), t.password())) {
            what = SkipRequests.submit(c, ApplierOptions.DEFAULT_CHECKPOINT_SCHEMA,
                    name(), gtid, reason, by);
        }
        ctx.status.accept("skip requested by " + by + ": " + what);
        if (state.phase() == Phase.FAILED && state.interrupted() != Phase.UPGRADING) {
            retry("skip of " + gtid + " requested by " + by + ": " + reason);
        }
        return what;
    }

    private final ReentrantLock verifying = new ReentrantLock();

    /** The last verification (on demand or continuous); null before any. */
    public VerificationSummary lastVerification() {
        return ctx.lastVerification;
    }

    /**
     * Operator (or the continuous check): production translated vs the clone, FULL or SAMPLED, production read at
     * {@code rowsPerSecond} at most. One at a time per migration. Safe from any thread: it only reads.
     */
    public VerificationReport verify(VerifyMode mode, int sample, long rowsPerSecond)
            throws Exception {
        requirePhase("verify", Phase.CATCHING_UP, Phase.READY, Phase.PAUSED);
        if (!verifying.tryLock()) {
            throw new BusyException("a verification of " + name() + " is running already; wait for its report");
        }
        try {
            var options = VerifyOptions.defaults(name()).rowsPerSecond(rowsPerSecond);
            var tables = SourceTableList.of(ctx.source(), ctx.config.cloneOrDefault().includeList());
            var verifier = ctx.verifier(options);
            var report = mode == VerifyMode.FULL ? verifier.full(tables) : verifier.sampled(tables, sample);
            ctx.lastVerification = new VerificationSummary(clock.instant(), mode.name(), report.clean(), report.mismatchCount(),
                    report.unsettledCount(), MigrationContext.summary(report), report);
            ctx.status.accept("verification (" + mode + "): " + ctx.lastVerification.summary());
            return report;
        } finally {
            verifying.unlock();
        }
    }

    private volatile CutoverReport lastCutover;

    /** The last cutover's (or dry run's) report; null before any. */
    public CutoverReport lastCutover() {
        return lastCutover;
    }

    /**
     * Operator: cut over to the clone (docs/CUTOVER.md). Preconditions first (nothing is held if one fails: REFUSED);
     * with {@code dryRun} only them and the plan. In CUTTING_OVER (a switch that failed after the point of no return)
     * it retries the switch. Call from the thread that runs the migration.
     */
    public CutoverReport cutover(boolean dryRun, Duration timeout) {
        if (state.phase() == Phase.CUTTING_OVER && !dryRun) {
            return finishCutover(new CutoverPhase(ctx, cutoverTools()).resolveAfterRestart());
        }
        requirePhase(dryRun ? "cutover --dry-run" : "cutover", Phase.READY);
        Duration t = timeout != null ? timeout : ctx.config.cutoverOrDefault().timeoutValue();
        CutoverPhase phase = new CutoverPhase(ctx, cutoverTools());
        if (!phase.preconditions(t)) {
            lastCutover = phase.refused();
            ctx.status.accept("cutover refused: " + lastCutover.reason());
            return lastCutover;
        }
        if (dryRun) {
            lastCutover = phase.dryRun();
            return lastCutover;
        }
        move(Phase.CUTTING_OVER, "cutover asked; preconditions passed");
        return finishCutover(phase.run(t));
    }

    private CutoverReport finishCutover(CutoverPhase.Result r) {
        lastCutover = r.report();
        r.report().steps().forEach(s -> ctx.status.accept("cutover: " + s.name() + " " + s.millis() + " ms: " + s.detail()));
        switch (r.report().outcome()) {
            case CUT_OVER -> {
                ctx.pipeline(null); // production is retired (read_only): nothing more to capture
                move(Phase.CUT_OVER, r.report().reason());
                ctx.afterCutover();
            }
            case ROLLED_BACK -> move(Phase.CATCHING_UP, "cutover rolled back: " + r.report().reason());
            default -> ctx.status.accept("cutover: " + r.report().reason());
        }
        return r.report();
    }

    private CutoverPhase.Tools cutoverTools() {
        var proxy = ctx.proxy(false);
        return new CutoverPhase.Tools(TrafficSwitches.create(ctx.config, ctx.productionAddress(),
                ctx.cloneAddress(), proxy), ctx.recentKeyVerifier(), ctx.cloneAddress(), ctx.productionAddress());
    }

    private void requirePhase(String operation, Phase... allowed) {
        if (state == null) {
            load();
        }
        if (!Arrays.asList(allowed).contains(state.phase())) {
            throw new PhaseConflictException(operation, state.phase(), List.of(allowed));
        }
    }

    /** Operator: back to the phase a failure or pause interrupted; a failed upgrade retries on a fresh clone. */
    public void retry(String reason) {
        state = store.load(ctx.config.name()).orElseThrow(() -> new IllegalStateException("migration " + ctx.config.name() + " has no state yet"));
        if (state.phase() != Phase.PAUSED && state.phase() != Phase.FAILED) {
            throw new PhaseConflictException("resume", state.phase(), List.of(Phase.PAUSED, Phase.FAILED));
        }
        Phase back = state.phase() == Phase.FAILED && state.interrupted() == Phase.UPGRADING ? Phase.CLONING : state.interrupted();
        move(back, reason);
    }

    private final ConcurrentHashMap<String, AtomicLong> translatorErrors =
            new ConcurrentHashMap<>();

    /** How often each translator's rows stopped this migration (metrics: errors by translator). */
    public Map<String, Long> translatorErrors() {
        Map<String, Long> out = new TreeMap<>();
        translatorErrors.forEach((t, n) -> out.put(t, n.get()));
        return out;
    }

    private void countTranslatorError(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ApplyException a && a.translator() != null) {
                translatorErrors.computeIfAbsent(a.translator(), t -> new AtomicLong()).incrementAndGet();
                return;
            }
        }
    }

    private void fail(String reason) {
        log.error("migration {} failed: {}", ctx.config.name(), reason);
        ctx.status.accept("FAILED: " + reason);
        move(Phase.FAILED, reason);
        ctx.close();
    }

    private void move(Phase to, String reason) {
        state = save(state.moveTo(to, reason, clock.instant()));
        ctx.status.accept("phase " + to + (reason == null ? "" : ": " + reason));
        transitions.accept(state.history().get(state.history().size() - 1));
    }

    private MigrationState save(MigrationState s) {
        store.save(s);
        return s;
    }

    private static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !b.toString().contains(c.getMessage())) {
                b.append(": ").append(c.getMessage());
            }
        }
        return b.toString();
    }

    @Override
    public void close() {
        ctx.close();
        ctx.closeProxy();
    }
}

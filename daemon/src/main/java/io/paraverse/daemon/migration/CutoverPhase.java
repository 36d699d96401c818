package io.paraverse.daemon.migration;

import io.paraverse.daemon.cutover.ApplicationAccounts;
import io.paraverse.daemon.cutover.CutoverRecord;
import io.paraverse.daemon.cutover.CutoverReport;
import io.paraverse.daemon.cutover.CutoverReport.Outcome;
import io.paraverse.daemon.cutover.RecentKeyVerifier;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.GtidPosition;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.traffic.FenceResult;
import io.paraverse.traffic.TrafficSwitch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * CUTTING_OVER (BRIEF §3.7, docs/CUTOVER.md): moves the application from production to the clone with writes held for
 * as short a time as possible, and never half-way. Everything that can be checked is checked before any write is
 * held; after the fence, any failure or the timeout before the switch rolls back (production unfenced, clients
 * released to it, catch-up goes on). From the switch on, the cutover only goes forward. Each decision is saved in a
 * {@link CutoverRecord} before the step it allows, so a restart resolves an interrupted cutover the same way.
 */
final class CutoverPhase {
    private static final Logger log = LoggerFactory.getLogger(CutoverPhase.class);

    /** What the sequence needs from the daemon besides the migration: the traffic switch and the last verifier. */
    record Tools(TrafficSwitch trafficSwitch, RecentKeyVerifier verifier, io.paraverse.traffic.Endpoint cloneAddress,
                 io.paraverse.traffic.Endpoint productionAddress) { }

    /** How a cutover ended, for the orchestrator's state. */
    record Result(CutoverReport report, boolean cutOver) { }

    private final MigrationContext ctx;
    private final Tools tools;
    private final CutoverRecord.Store records;
    private final CutoverReport.Builder report = new CutoverReport.Builder();

    CutoverPhase(MigrationContext ctx, Tools tools) {
        this.ctx = ctx;
        this.tools = tools;
        this.records = new CutoverRecord.Store(ctx.dir);
    }

    /** Step 1: every precondition, before anything is held. Returns whether all passed. */
    boolean preconditions(Duration timeout) {
        var c = ctx.config.cutoverOrDefault();
        Pipeline p = ctx.pipeline();
        report.check("pipeline running", p != null && p.isRunning() && p.applying(),
                p == null ? "no pipeline" : p.applying() ? "capturing and applying" : "apply is paused");
        if (p == null || !p.isRunning()) {
            return false;
        }
        report.check("no pending source DDL", p.blockedDdl() == null,
                p.blockedDdl() == null ? "none" : "capture stopped at " + p.blockedDdl().position().gtid() + ": " + p.blockedDdl().sql());
        int lagLimit = CatchUpPhase.lagLimit(ctx);
        long behind = -1;
        double lagSeconds = p.lagSeconds();
        try {
            behind = GtidPosition.parse(p.status().appliedGtidPosition()).behind(GtidPosition.parse(CatchUpPhase.sourcePosition(ctx)));
        } catch (Exception e) {
            report.check("production reachable", false, e.getMessage());
            return false;
        }
        report.check("lag under the threshold", lagSeconds <= lagLimit, String.format("%.1f s behind (limit %d s), %d transactions", Math.max(0, lagSeconds), lagLimit, behind));
        double txPerSecond = applyRate(p);
        if (behind > 0) {
            try {
                behind = GtidPosition.parse(p.status().appliedGtidPosition()).behind(GtidPosition.parse(CatchUpPhase.sourcePosition(ctx)));
            } catch (Exception e) {
                report.check("production reachable", false, e.getMessage());
                return false;
            }
        }
        double predictedDrain = behind <= 0 ? 0 : txPerSecond <= 0 ? Double.POSITIVE_INFINITY : behind / txPerSecond;
        Duration maxDrain = c.maxDrainValue();
        report.check("predicted drain within budget", predictedDrain * 1000 <= maxDrain.toMillis(),
                String.format("%d transactions at %.0f tx/s: %.2f s (budget %d ms)", behind, txPerSecond, predictedDrain, maxDrain.toMillis()));
        report.check("timeout leaves room for the drain", timeout.toMillis() > c.drainTimeoutValue().toMillis(),
                "timeout " + timeout.toMillis() + " ms, fence drain " + c.drainTimeoutValue().toMillis() + " ms");
        try {
            tools.trafficSwitch().check();
            report.check("traffic switch ready", true, tools.trafficSwitch().name());
        } catch (Exception e) {
            report.check("traffic switch ready", false, tools.trafficSwitch().name() + ": " + e.getMessage());
        }
        VerificationSummary last = ctx.lastVerification;
        report.check("last verification clean", last == null || last.clean(), last == null ? "none yet (the recent keys are checked below)"
                : last.mode() + " at " + last.at() + ": " + last.summary());
        try {
            RecentKeyVerifier.Outcome v = tools.verifier().verify(p.recentKeys().latest(c.verifyRecentKeys()), Duration.ofSeconds(10));
            // production still changes now: a row it keeps changing is unsettled, not a difference; after the fence it must settle
            report.check("recent verification clean", !v.differences(), v.keysChecked() + " recently changed keys: " + v.summary());
        } catch (Exception e) {
            report.check("recent verification clean", false, "verification failed: " + e.getMessage());
        }
        try (Connection prod = connect(ctx.source()); Connection clone = connect(ctx.target())) {
            List<String> problems = ApplicationAccounts.copy(prod, clone, c.userList());
            report.check("application accounts on the clone", problems.isEmpty(),
                    problems.isEmpty() ? c.userList().isEmpty() ? "none listed (cutover.users)" : "copied " + c.userList() : String.join("; ", problems));
            report.check("production accepts read_only", !c.readOnlyFence() || canSetReadOnly(prod),
                    c.readOnlyFence() ? "the source user may SET GLOBAL read_only" : "read_only fence off (cutover.read_only: false)");
        } catch (SQLException e) {
            report.check("application accounts on the clone", false, e.getMessage());
        }
        report.plan.add(String.format("fence: %s%s, wait up to %d ms for transactions in flight", tools.trafficSwitch().name(),
                c.readOnlyFence() ? " + read_only on production" : "", c.drainTimeoutValue().toMillis()));
        report.plan.add(String.format("drain: ~%.0f ms (%d transactions behind at %.0f tx/s)", predictedDrain * 1000, Math.max(0, behind), txPerSecond));
        report.plan.add("verify: the " + c.verifyRecentKeys() + " most recently changed keys once drained");
        report.plan.add("switch: " + tools.trafficSwitch().name() + " -> " + tools.cloneAddress() + "; release held clients");
        report.plan.add("budget: everything from fence to switch within " + timeout.toMillis() + " ms, else roll back");
        return report.allPassed();
    }

    /** Runs the sequence after the preconditions passed. The migration is CUTTING_OVER (saved) when this is called. */
    Result run(Duration timeout) {
        var c = ctx.config.cutoverOrDefault();
        long deadline = System.nanoTime() + timeout.toNanos();
        CutoverRecord record = CutoverRecord.begin(java.time.Instant.now());
        records.save(record);
        long t = System.nanoTime();
        long fenceStart = t;
        try {
            // 2. fence: hold new work at the switch, let transactions in flight finish, then read_only on production
            FenceResult fence = tools.trafficSwitch().fence(c.drainTimeoutValue());
            t = report.step("fence " + tools.trafficSwitch().name(), t, fence.drained() ? "no transaction in flight"
                    : fence.inFlight() < 0 ? "does not track transactions" : fence.inFlight() + " transactions still in flight");
            if (fence.inFlight() > 0) {
                return rollBack(record, fenceStart, fence.inFlight() + " client transactions still open after "
                        + c.drainTimeoutValue().toMillis() + " ms (cutover.drain_timeout); they were let finish on production");
            }
            boolean wasOn = false;
            boolean set = false;
            if (c.readOnlyFence()) {
                try (Connection prod = connect(ctx.source()); Statement st = prod.createStatement()) {
                    wasOn = readOnly(prod);
                    record = record.fenced(true, wasOn); // saved before it is set: a restart must undo it
                    records.save(record);
                    st.execute("SET GLOBAL read_only = ON");
                    set = true;
                }
                t = report.step("read_only on production", t, wasOn ? "was on already" : "set");
            }
            record = record.fenced(set && !wasOn, wasOn);
            records.save(record);
            checkDeadline(deadline, "fence");

            // 3. production's final position; drain the applier to it
            String finalPosition = CatchUpPhase.sourcePosition(ctx);
            record = record.at(finalPosition);
            records.save(record);
            ctx.pipeline().awaitCaughtUp(finalPosition, remaining(deadline));
            t = report.step("drain", t, "applied up to " + finalPosition);

            // 4. the rows changed last, verified now that nothing changes any more
            RecentKeyVerifier.Outcome v = tools.verifier().verify(ctx.pipeline().recentKeys().latest(c.verifyRecentKeys()), remaining(deadline));
            t = report.step("verify recent keys", t, v.keysChecked() + " keys: " + v.summary());
            if (!v.clean()) {
                return rollBack(record, fenceStart, "verification of recently changed keys found differences: " + v.summary());
            }
            checkDeadline(deadline, "verification");

            // the triggers and events held back at clone time (catch-up would have fired them on replayed rows)
            record = createDeferredObjects(record);
            t = report.step("triggers and events", t, deferredSummary);
            checkDeadline(deadline, "creating triggers and events");

            // 5. from here the cutover only goes forward: clients may write to the clone once switched
            record = record.forward();
            records.save(record);
        } catch (Exception e) {
            return rollBack(record, fenceStart, describe(e));
        }
        return forward(record, fenceStart, t);
    }

    /** Steps 5-6: switch, release, retire production. Also what a restart does with a FORWARD record. */
    Result forward(CutoverRecord record, long fenceStart, long t) {
        try {
            tools.trafficSwitch().switchTo(tools.cloneAddress());
            t = report.step("switch", t, tools.trafficSwitch().name() + " -> " + tools.cloneAddress());
        } catch (Exception e) {
            // production is fenced and drained: the clone holds everything, so keep going forward and say so loudly
            log.error("cutover of {}: switching traffic failed after the point of no return: {}", ctx.config.name(), describe(e));
            report.step("switch", t, "FAILED: " + describe(e) + " -- production stays fenced; fix the switch and run"
                    + " `paraverse cutover NAME` again: it resumes at the switch");
            report.window = (System.nanoTime() - fenceStart) / 1_000_000;
            return new Result(report.build(Outcome.SWITCH_PENDING, "switch failed after production was fenced and drained: "
                    + describe(e)), false);
        }
        try {
            tools.trafficSwitch().release();
        } catch (Exception e) {
            log.warn("cutover of {}: release after the switch failed: {}", ctx.config.name(), describe(e));
        }
        report.window = (System.nanoTime() - fenceStart) / 1_000_000;
        report.step("release", t, "clients continue on the clone; production stays read_only (retired)");
        records.delete();
        return new Result(report.build(Outcome.CUT_OVER, "cut over in " + report.window + " ms of held writes"), true);
    }

    /** Step 7: unfence production, release clients to it; catch-up goes on. */
    private Result rollBack(CutoverRecord record, long fenceStart, String why) {
        long t = System.nanoTime();
        undo(record);
        report.window = (System.nanoTime() - fenceStart) / 1_000_000;
        report.step("roll back", t, "production writable again, clients released to it");
        records.delete();
        log.warn("cutover of {} rolled back: {}", ctx.config.name(), why);
        return new Result(report.build(Outcome.ROLLED_BACK, why), false);
    }

    private String deferredSummary = "none";

    /**
     * Creates the deferred triggers and events on the clone (each recorded before it is created). One whose table the
     * upgrade removed, or that the upgrade created itself, is left out and named in the report; any other failure
     * rolls the cutover back.
     */
    private CutoverRecord createDeferredObjects(CutoverRecord record) throws SQLException {
        List<String> created = new java.util.ArrayList<>();
        List<String> skipped = new java.util.ArrayList<>();
        try (Connection clone = connect(ctx.target()); Statement st = clone.createStatement()) {
            for (var o : new io.paraverse.clone.CopyCheckpointStore(ctx.config.name()).deferred(clone)) {
                String id = o.kind() + " `" + o.schema().replace("`", "``") + "`.`" + o.name().replace("`", "``") + "`";
                record = record.creating(id);
                records.save(record);
                st.execute("USE `" + o.schema().replace("`", "``") + "`");
                st.execute("SET SESSION sql_mode = '" + o.sqlMode().replace("'", "''") + "'");
                if (o.timeZone() != null) {
                    st.execute("SET SESSION time_zone = '" + o.timeZone().replace("'", "''") + "'");
                }
                try {
                    st.execute(o.ddl());
                    created.add(id);
                } catch (SQLException e) {
                    if (e.getErrorCode() == 1146) { // its table is gone: the upgrade replaced it
                        skipped.add(id + " (its table is gone after the upgrade)");
                    } else if (e.getErrorCode() == 1359 || e.getErrorCode() == 1537) { // the upgrade created it already
                        skipped.add(id + " (the upgrade created it)");
                    } else {
                        throw new SQLException("cannot create " + id + " on the clone: " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
                    }
                }
            }
        }
        deferredSummary = created.isEmpty() && skipped.isEmpty() ? "none held back at clone time"
                : "created " + created + (skipped.isEmpty() ? "" : "; left out " + skipped);
        return record;
    }

    /** Drops what this cutover created of the deferred objects (a roll back: catch-up goes on and must not fire them). */
    private void dropCreatedObjects(CutoverRecord record) {
        if (record.objectsCreated().isEmpty()) {
            return;
        }
        try (Connection clone = connect(ctx.target()); Statement st = clone.createStatement()) {
            for (String id : record.objectsCreated()) {
                String kind = id.substring(0, id.indexOf(' '));
                st.execute("DROP " + kind.toUpperCase(java.util.Locale.ROOT) + " IF EXISTS " + id.substring(id.indexOf(' ') + 1));
            }
        } catch (SQLException e) {
            log.error("cutover of {}: could not drop {} from the clone: {}; drop them there before catch-up fires them",
                    ctx.config.name(), record.objectsCreated(), e.getMessage());
        }
    }

    /** Undoes a fence: read_only off again (if this cutover set it), traffic on production, clients released. */
    void undo(CutoverRecord record) {
        dropCreatedObjects(record);
        if (record.readOnlySet() && !record.readOnlyWasOn()) {
            try (Connection prod = connect(ctx.source()); Statement st = prod.createStatement()) {
                st.execute("SET GLOBAL read_only = OFF");
            } catch (SQLException e) {
                log.error("cutover of {}: could not turn read_only off on production: {}; run SET GLOBAL read_only=OFF there",
                        ctx.config.name(), e.getMessage());
            }
        }
        try {
            tools.trafficSwitch().switchTo(tools.productionAddress());
        } catch (Exception e) {
            log.error("cutover of {}: routing back to production failed: {}", ctx.config.name(), describe(e));
        }
        try {
            tools.trafficSwitch().release();
        } catch (Exception e) {
            log.error("cutover of {}: releasing clients failed: {}", ctx.config.name(), describe(e));
        }
    }

    /** After a restart in CUTTING_OVER: finish a FORWARD cutover, undo a ROLL_BACK one (or one with no record). */
    Result resolveAfterRestart() {
        var rec = records.load();
        if (rec.isPresent() && rec.get().decision() == CutoverRecord.Decision.FORWARD) {
            report.step("restart", System.nanoTime(), "the cutover had passed the point of no return: completing it");
            return forward(rec.get(), System.nanoTime(), System.nanoTime());
        }
        undo(rec.orElse(CutoverRecord.begin(java.time.Instant.now())));
        records.delete();
        report.step("restart", System.nanoTime(), "the cutover was interrupted before the switch: rolled back");
        return new Result(report.build(Outcome.ROLLED_BACK, "the daemon stopped during the cutover, before the switch"), false);
    }

    CutoverReport refused() {
        return report.build(Outcome.REFUSED, report.failedChecks());
    }

    CutoverReport dryRun() {
        return report.build(Outcome.DRY_RUN_PASSED, "every precondition passed; nothing was changed");
    }

    /** Source transactions applied per second, measured over half a second. */
    private static double applyRate(Pipeline p) {
        long before = p.status().transactionsApplied();
        long start = System.nanoTime();
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return (p.status().transactionsApplied() - before) / ((System.nanoTime() - start) / 1e9);
    }

    private static void checkDeadline(long deadline, String after) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the cutover timeout passed during " + after);
        }
    }

    private static Duration remaining(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IllegalStateException("the cutover timeout passed");
        }
        return Duration.ofNanos(left);
    }

    private static boolean readOnly(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@GLOBAL.read_only")) {
            rs.next();
            return rs.getInt(1) != 0;
        }
    }

    /** Whether the source user has the privilege to set read_only (SUPER or READ_ONLY ADMIN), checked without setting it. */
    private static boolean canSetReadOnly(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GRANTS")) {
            while (rs.next()) {
                String g = rs.getString(1).toUpperCase(java.util.Locale.ROOT);
                if (g.contains("ALL PRIVILEGES ON *.*") || g.contains("SUPER") || g.contains("READ_ONLY ADMIN")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Connection connect(Endpoint e) throws SQLException {
        return DriverManager.getConnection(e.jdbcUrl(""), e.user(), e.password());
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
}

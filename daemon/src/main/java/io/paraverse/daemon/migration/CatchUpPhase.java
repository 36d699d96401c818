package io.paraverse.daemon.migration;

import io.paraverse.daemon.pipeline.GtidPosition;
import io.paraverse.daemon.pipeline.Pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * CATCHING_UP: apply the journal through the migration's translators into the upgraded clone. Ready when the
 * target has everything the source had a moment ago, and stays so for the sustained window.
 */
final class CatchUpPhase {
    private static final int DEFAULT_READY_LAG_SECONDS = 5;
    private static final Duration DEFAULT_SUSTAINED = Duration.ofSeconds(10);

    private CatchUpPhase() { }

    /** Returns true when ready, false when asked to stop first. Throws when the pipeline fails. */
    static boolean run(MigrationContext ctx, BooleanSupplier keepRunning) throws Exception {
        Pipeline p = ctx.pipeline();
        if (p == null) {
            p = restartPipeline(ctx);
        } else if (!p.applying()) {
            p.resumeApply(ctx.translators(), Map.of());
        }
        int lagLimit = lagLimit(ctx);
        Duration sustained = sustained(ctx);
        ctx.status.accept("catch-up: applying through the translators; ready when within " + lagLimit + " s for " + sustained.toSeconds() + " s");
        long withinSince = 0;
        long nextReport = 0;
        while (keepRunning.getAsBoolean()) {
            if (ctx.restartLocalTargetIfDown()) {
                p = restartPipeline(ctx);
            }
            if (p.blockedDdl() != null) {
                throw new SourceDdlException(p.blockedDdl());
            }
            boolean within = withinLag(ctx, p, lagLimit, keepRunning);
            long now = System.nanoTime();
            withinSince = within ? (withinSince == 0 ? now : withinSince) : 0;
            if (withinSince != 0 && now - withinSince >= sustained.toNanos()) {
                ctx.status.accept("catch-up: within " + lagLimit + " s of the source for " + sustained.toSeconds() + " s: READY");
                return true;
            }
            if (now > nextReport) {
                var s = p.status();
                ctx.status.accept(String.format("catch-up: applied %,d row changes, up to %s, journal %,d KiB", s.rowsApplied(),
                        s.appliedGtidPosition(), s.journalBytes() / 1024));
                nextReport = now + 5_000_000_000L;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** After a daemon restart: capture resumes from the journal (or the clone point), apply from the checkpoint. */
    private static Pipeline restartPipeline(MigrationContext ctx) throws Exception {
        Pipeline p = Pipeline.start(ctx.pipelineConfig(ctx.clonePoint).translator(ctx.translators()).build());
        ctx.pipeline(p);
        return p;
    }

    static int lagLimit(MigrationContext ctx) {
        var cu = ctx.config.catchUp();
        return cu != null && cu.readyLagSeconds() != null ? cu.readyLagSeconds() : DEFAULT_READY_LAG_SECONDS;
    }

    static Duration sustained(MigrationContext ctx) {
        var cu = ctx.config.catchUp();
        return cu != null && cu.sustainedValue() != null ? cu.sustainedValue() : DEFAULT_SUSTAINED;
    }

    /**
     * READY: keep applying; returns false when the lag has stayed above the limit for the sustained window (the
     * migration drops back to CATCHING_UP), true when asked to stop.
     */
    static boolean holdReady(MigrationContext ctx, BooleanSupplier keepRunning) throws Exception {
        Pipeline p = ctx.pipeline();
        if (p == null) {
            p = restartPipeline(ctx);
        } else if (!p.applying()) {
            p.resumeApply(ctx.translators(), Map.of()); // resumed after an operator's pause
        }
        int lagLimit = lagLimit(ctx);
        long window = sustained(ctx).toNanos();
        long behindSince = 0;
        while (keepRunning.getAsBoolean()) {
            if (ctx.restartLocalTargetIfDown()) {
                p = restartPipeline(ctx);
            }
            if (p.blockedDdl() != null) {
                throw new SourceDdlException(p.blockedDdl());
            }
            long now = System.nanoTime();
            behindSince = withinLag(ctx, p, lagLimit, keepRunning) ? 0 : (behindSince == 0 ? now : behindSince);
            if (behindSince != 0 && now - behindSince >= window) {
                return false;
            }
            for (int i = 0; i < 10 && keepRunning.getAsBoolean(); i++) {
                Thread.sleep(50);
            }
        }
        return true;
    }

    /** The source's current GTID position. */
    static String sourcePosition(MigrationContext ctx) throws java.sql.SQLException {
        return GtidPosition.current(ctx.source());
    }

    /**
     * Applied everything the source had {@code lagLimit} seconds ago at most: checked against the source's position
     * now. Stops waiting (true) as soon as {@code keepRunning} turns false, so an operator's request is taken at once.
     */
    static boolean withinLag(MigrationContext ctx, Pipeline p, int lagLimit, BooleanSupplier keepRunning) throws Exception {
        String now = sourcePosition(ctx);
        long deadline = System.nanoTime() + lagLimit * 1_000_000_000L;
        while (!p.hasApplied(GtidPosition.parse(now))) {
            if (!keepRunning.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}

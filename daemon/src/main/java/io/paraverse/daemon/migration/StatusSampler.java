package io.paraverse.daemon.migration;

import io.paraverse.daemon.migration.state.MigrationState;
import io.paraverse.daemon.pipeline.GtidPosition;
import io.paraverse.daemon.pipeline.Pipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Turns a migration's running pipeline into the figures operators read: transactions and seconds behind production,
 * capture and apply rates (measured over at least a second, so frequent callers see the same rates), the ETA from
 * both rates, and the journal against its budget.
 */
final class StatusSampler {
    private static final Logger log = LoggerFactory.getLogger(StatusSampler.class);
    private final MigrationContext ctx;
    private long lastSampleNanos;
    private long lastCaptured;
    private long lastApplied;
    private double captureRate;
    private double applyRate;

    StatusSampler(MigrationContext ctx) {
        this.ctx = ctx;
    }

    synchronized MigrationStatus sample(MigrationState s) {
        Pipeline p = ctx.pipeline();
        Long budget = ctx.config.journal().diskBudgetBytes();
        if (s == null || p == null || !p.isRunning()) {
            return new MigrationStatus(ctx.config.name(), s == null ? null : s.phase(), s == null ? null : s.phaseSince(),
                    s == null ? null : s.failure(), -1, -1, 0, 0, null, 0, budget, false, 0, 0);
        }
        var ps = p.status();
        long behind = -1;
        try {
            behind = GtidPosition.parse(ps.appliedGtidPosition()).behind(GtidPosition.parse(CatchUpPhase.sourcePosition(ctx)));
        } catch (Exception e) {
            log.debug("status: source position unavailable: {}", e.toString());
        }
        long now = System.nanoTime();
        double secs = lastSampleNanos == 0 ? 0 : (now - lastSampleNanos) / 1e9;
        if (secs >= 1.0 || ps.rowsCaptured() < lastCaptured) { // (a restarted pipeline counts from 0 again)
            captureRate = secs > 0 ? Math.max(0, ps.rowsCaptured() - lastCaptured) / secs : 0;
            applyRate = secs > 0 ? Math.max(0, ps.rowsApplied() - lastApplied) / secs : 0;
            lastSampleNanos = now;
            lastCaptured = ps.rowsCaptured();
            lastApplied = ps.rowsApplied();
        } else if (lastSampleNanos == 0) {
            lastSampleNanos = now;
            lastCaptured = ps.rowsCaptured();
            lastApplied = ps.rowsApplied();
        }
        Duration eta = null;
        if (behind == 0) {
            eta = Duration.ZERO;
        } else if (behind > 0 && applyRate > captureRate) {
            // rows behind, estimated from the transaction count at the applied rate's rows per transaction
            double rowsPerTx = ps.transactionsApplied() > 0 ? (double) ps.rowsApplied() / ps.transactionsApplied() : 1;
            eta = Duration.ofSeconds((long) Math.ceil(behind * rowsPerTx / (applyRate - captureRate)));
        }
        return new MigrationStatus(ctx.config.name(), s.phase(), s.phaseSince(), s.failure(), behind, p.lagSeconds(), captureRate,
                applyRate, eta, ps.journalBytes(), budget, p.captureHeldByBudget(), ps.rowsCaptured(), ps.rowsApplied());
    }
}

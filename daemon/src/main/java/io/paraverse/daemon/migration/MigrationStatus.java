package io.paraverse.daemon.migration;

import io.paraverse.daemon.migration.state.Phase;

import java.time.Duration;
import java.time.Instant;

/**
 * What an operator asks of a running migration: its phase and since when, and while it applies, how far behind the
 * source it is (transactions and seconds), how fast capture and apply go, when it should be caught up, and the
 * journal's size against its budget. Rates are per second over the last interval; unknowns are -1 / null.
 *
 * @param transactionsBehind source transactions not yet applied to the clone
 * @param lagSeconds         age of the last applied source transaction's commit while behind (0 when caught up)
 * @param eta                time to catch up at the current rates (null if not converging or unknown)
 * @param rowsCaptured       row changes captured since the pipeline started (resets when it restarts)
 * @param rowsApplied        row changes applied since the pipeline started (resets when it restarts)
 */
public record MigrationStatus(String migration, Phase phase, Instant phaseSince, String failure, long transactionsBehind,
                              double lagSeconds, double captureRowsPerSecond, double applyRowsPerSecond, Duration eta,
                              long journalBytes, Long journalBudgetBytes, boolean captureHeldByBudget,
                              long rowsCaptured, long rowsApplied) {

    /** One line for logs and the daemon's output. */
    public String line() {
        StringBuilder b = new StringBuilder(phase.toString());
        if (failure != null) {
            return b.append(": ").append(failure).toString();
        }
        if (transactionsBehind >= 0) {
            b.append(String.format(" | behind %,d tx (%.1f s) | capture %,.0f rows/s | apply %,.0f rows/s", transactionsBehind,
                    Math.max(0, lagSeconds), captureRowsPerSecond, applyRowsPerSecond));
            b.append(eta == null ? "" : " | ETA " + eta.toSeconds() + " s");
            b.append(String.format(" | journal %,d KiB", journalBytes / 1024));
            if (journalBudgetBytes != null && journalBudgetBytes > 0) {
                b.append(String.format(" (%.0f%% of budget)", 100.0 * journalBytes / journalBudgetBytes));
            }
            if (captureHeldByBudget) {
                b.append(" | CAPTURE PAUSED: journal at its budget (resumes as apply frees space)");
            }
        }
        return b.toString();
    }
}

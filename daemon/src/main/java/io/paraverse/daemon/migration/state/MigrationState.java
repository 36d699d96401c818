package io.paraverse.daemon.migration.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the daemon must know to continue a migration after a restart: its phase (and the working phase a pause or
 * failure interrupted), when each phase began, why it failed, and the facts later phases need (the clone point,
 * the upgrade's attempts). Capture and apply positions are not here: they live in the journal and in the target's
 * checkpoint table, written with the data they describe. Immutable; {@link #moveTo} returns the next version.
 *
 * @param version      format version of the persisted document (docs/STATE.md)
 * @param interrupted  for PAUSED/FAILED: the working phase to return to; null otherwise
 * @param failure      for FAILED: why, in one paragraph naming what and where; null otherwise
 * @param clonePointGtid where capture started (set when CLONING ends; null before)
 * @param upgradeAttempts how many times the upgrade was started (a re-run starts on a fresh clone: docs/RUNBOOK)
 * @param acknowledgedDdl GTIDs of source schema changes the operator let through (capture stops at any other)
 */
public record MigrationState(int version, String migration, Phase phase, Phase interrupted, String failure,
                             String clonePointGtid, int upgradeAttempts, List<Transition> history, Instant updatedAt,
                             List<String> acknowledgedDdl) {
    public static final int VERSION = 1;

    /** One entry of the phase timeline. */
    public record Transition(Phase from, Phase to, Instant at, String reason) { }

    public MigrationState {
        Objects.requireNonNull(migration, "migration");
        Objects.requireNonNull(phase, "phase");
        history = List.copyOf(history);
        Objects.requireNonNull(updatedAt, "updatedAt");
        acknowledgedDdl = acknowledgedDdl == null ? List.of() : List.copyOf(acknowledgedDdl);
    }

    /** A new migration, about to provision its target. */
    public static MigrationState begin(String migration, Instant now) {
        return new MigrationState(VERSION, migration, Phase.PROVISIONING, null, null, null, 0,
                List.of(new Transition(null, Phase.PROVISIONING, now, "created")), now, List.of());
    }

    /**
     * The state after moving to {@code to}; throws {@link IllegalStateException} naming both phases and what this one
     * allows when the move is not allowed.
     */
    public MigrationState moveTo(Phase to, String reason, Instant now) {
        if (!phase.mayMoveTo(to, interrupted)) {
            List<Phase> allowed = new ArrayList<>();
            for (Phase p : Phase.values()) {
                if (phase.mayMoveTo(p, interrupted)) {
                    allowed.add(p);
                }
            }
            throw new IllegalStateException("migration " + migration + " is " + phase + (interrupted == null ? "" : " (interrupted "
                    + interrupted + ")") + "; it cannot move to " + to + (allowed.isEmpty() ? " (it is final)" : "; allowed: " + allowed));
        }
        Phase keep = (to == Phase.PAUSED || to == Phase.FAILED) ? (phase.working() ? phase : interrupted) : null;
        String why = to == Phase.FAILED ? Objects.requireNonNull(reason, "a failure needs its reason") : null;
        List<Transition> h = new ArrayList<>(history);
        h.add(new Transition(phase, to, now, reason));
        int attempts = to == Phase.UPGRADING && phase != Phase.PAUSED ? upgradeAttempts + 1 : upgradeAttempts;
        return new MigrationState(VERSION, migration, to, keep, why, clonePointGtid, attempts, h, now, acknowledgedDdl);
    }

    public MigrationState withClonePoint(String gtid, Instant now) {
        return new MigrationState(VERSION, migration, phase, interrupted, failure, Objects.requireNonNull(gtid, "gtid"),
                upgradeAttempts, history, now, acknowledgedDdl);
    }

    /** The state with {@code gtid} added to the source schema changes the operator let through. */
    public MigrationState withAcknowledgedDdl(String gtid, Instant now) {
        List<String> ack = new ArrayList<>(acknowledgedDdl);
        if (!ack.contains(gtid)) {
            ack.add(gtid);
        }
        return new MigrationState(VERSION, migration, phase, interrupted, failure, clonePointGtid, upgradeAttempts, history, now, ack);
    }

    /** When the current phase began. */
    public Instant phaseSince() {
        return history.get(history.size() - 1).at();
    }
}

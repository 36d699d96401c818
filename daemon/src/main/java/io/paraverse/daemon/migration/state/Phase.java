package io.paraverse.daemon.migration.state;

import java.util.EnumSet;
import java.util.Set;

/**
 * The phases of one migration, in the order the orchestrator runs them, plus the states it can leave them for. A
 * migration may be PAUSED, FAILED or ABORTED from any working phase; PAUSED and FAILED go back to the phase they
 * interrupted (resume, retry); ABORTED and CUT_OVER are final.
 */
public enum Phase {
    PROVISIONING, CLONING, UPGRADING, CATCHING_UP, READY, CUTTING_OVER, CUT_OVER,
    PAUSED, FAILED, ABORTED;

    private static final Set<Phase> WORKING = EnumSet.of(PROVISIONING, CLONING, UPGRADING, CATCHING_UP, READY, CUTTING_OVER);

    /** Whether the orchestrator is doing this phase's work (not paused, failed or finished). */
    public boolean working() {
        return WORKING.contains(this);
    }

    public boolean terminal() {
        return this == ABORTED || this == CUT_OVER;
    }

    /** The next working phase after this one in the normal flow (null after READY: cutover is asked for). */
    public Phase next() {
        return switch (this) {
            case PROVISIONING -> CLONING;
            case CLONING -> UPGRADING;
            case UPGRADING -> CATCHING_UP;
            case CATCHING_UP -> READY;
            case CUTTING_OVER -> CUT_OVER;
            default -> null;
        };
    }

    /**
     * Whether a migration in this phase may move to {@code to}. {@code interrupted} is the working phase a PAUSED or
     * FAILED migration left (where resume or retry returns to).
     */
    public boolean mayMoveTo(Phase to, Phase interrupted) {
        if (terminal()) {
            return false;
        }
        if (to == ABORTED) {
            return true;
        }
        if (this == PAUSED || this == FAILED) {
            // a failed upgrade is retried on a fresh clone: the old one may be half-upgraded
            boolean reclone = this == FAILED && interrupted == UPGRADING && to == CLONING;
            return to == interrupted || reclone || (this == PAUSED && to == FAILED);
        }
        if (to == PAUSED || to == FAILED) {
            return true;
        }
        return to == next()
                || (this == READY && (to == CATCHING_UP || to == CUTTING_OVER)) // lag grew back / cutover asked
                || (this == CUTTING_OVER && to == CATCHING_UP);                 // cutover rolled back
    }
}

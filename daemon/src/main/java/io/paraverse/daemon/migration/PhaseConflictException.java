package io.paraverse.daemon.migration;

import io.paraverse.daemon.migration.state.Phase;

import java.util.List;

/** An operator asked for something the migration's current phase does not allow; says which phases would. */
public final class PhaseConflictException extends IllegalStateException {
    private final transient Phase phase;
    private final transient List<Phase> allowedIn;

    public PhaseConflictException(String operation, Phase phase, List<Phase> allowedIn) {
        super(operation + " is not possible while the migration is " + phase + "; it is allowed in " + allowedIn);
        this.phase = phase;
        this.allowedIn = List.copyOf(allowedIn);
    }

    public Phase phase() {
        return phase;
    }

    public List<Phase> allowedIn() {
        return allowedIn;
    }
}

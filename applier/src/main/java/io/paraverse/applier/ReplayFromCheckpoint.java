package io.paraverse.applier;

/**
 * A transient failure hit a target transaction that was partly written from ops no longer buffered: unwinds to
 * the run loop, which reopens the journal after the checkpoint.
 */
final class ReplayFromCheckpoint extends RuntimeException {
    ReplayFromCheckpoint(Throwable cause) {
        super(cause.getMessage(), cause, false, false);
    }
}

package io.paraverse.daemon.verify;

/**
 * A translator needed an id the applier has not allocated (or an id map entry it has not stored) for this row: the
 * row has not been applied yet, so there is nothing to compare it with. The verifier never allocates.
 */
final class NotAppliedYetException extends RuntimeException {
    NotAppliedYetException(String message) {
        super(message, null, false, false);
    }
}

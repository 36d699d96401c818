package io.paraverse.daemon.migration;

/** The migration is already doing what was asked (one verification at a time): try again once it is done. */
public final class BusyException extends IllegalStateException {
    public BusyException(String message) {
        super(message);
    }
}

package io.paraverse.daemon.verify;

import io.paraverse.daemon.pipeline.GtidPosition;

import java.time.Duration;

/**
 * How the verifier waits for the applier: a row that differs is compared again only once the target holds every
 * source transaction up to a position read after the first comparison.
 */
@FunctionalInterface
public interface ApplyProgress {
    /** True once the target has applied everything up to {@code position}; false if that did not happen within {@code timeout}. */
    boolean awaitApplied(GtidPosition position, Duration timeout) throws InterruptedException;
}

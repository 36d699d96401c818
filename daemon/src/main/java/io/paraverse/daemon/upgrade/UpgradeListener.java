package io.paraverse.daemon.upgrade;

import java.time.Instant;

/** Live output of an upgrade run, one line at a time (already redacted). Called from the runner's threads. */
@FunctionalInterface
public interface UpgradeListener {
    void line(Instant at, String line);
}

package io.paraverse.e2e;

import io.paraverse.daemon.migration.state.Phase;
import io.paraverse.daemon.service.MigrationRunner;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Waits for a migration running in an in-process daemon to reach a phase, failing with its output when it cannot. */
final class AwaitPhase {
    private AwaitPhase() { }

    /**
     * Returns once {@code r} is in {@code phase}; fails at once if it FAILED (unless FAILED is awaited), or after
     * {@code seconds}, with the daemon's output lines {@code out} in the message.
     */
    static void of(MigrationRunner r, Phase phase, int seconds, List<String> out) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (r.state().phase() != phase) {
            if (phase != Phase.FAILED) {
                assertNotEquals(Phase.FAILED, r.state().phase(), () -> r.state().failure() + "\n" + lines(out));
            }
            assertTrue(System.nanoTime() < deadline, () -> "not " + phase + " within " + seconds + " s: " + r.state() + "\n" + lines(out));
            Thread.sleep(100);
        }
    }

    private static String lines(List<String> out) {
        synchronized (out) {
            return String.join("\n", out);
        }
    }
}

package io.paraverse.capture.debezium;

import io.paraverse.cloud.local.MariaDbServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Shared helpers of the Debezium capture tests. */
final class DebeziumTypeMatrixTestSupport {
    private DebeziumTypeMatrixTestSupport() {
    }

    static DebeziumEngineConfig engine(MariaDbServer s, Path dir, String name, int serverId, String database) {
        return DebeziumEngineConfig.of(s.host(), s.port(), s.user(), s.password(), serverId, dir, name, List.of(database));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}

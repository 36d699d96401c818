package io.paraverse.cloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A tiny shell process that kills a child mariadbd (and removes its directory) once the owning JVM is gone.
 * The JVM's shutdown hook covers normal exits; this covers kill -9, which runs no hooks and leaves children
 * reparented to init.
 */
final class MariaDbWatchdog {
    private MariaDbWatchdog() { }

    static Process start(long serverPid, Path dirToDelete) {
        long owner = ProcessHandle.current().pid();
        String cleanup = dirToDelete == null ? "" : "; sleep 1; rm -rf '" + dirToDelete.toString().replace("'", "") + "'";
        String script = "while kill -0 " + owner + " 2>/dev/null && kill -0 " + serverPid + " 2>/dev/null; do sleep 0.5; done; "
                + "if kill -0 " + serverPid + " 2>/dev/null; then kill -9 " + serverPid + cleanup + "; fi";
        try {
            return new ProcessBuilder("setsid", "sh", "-c", script)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the watchdog for mariadbd pid " + serverPid, e);
        }
    }
}

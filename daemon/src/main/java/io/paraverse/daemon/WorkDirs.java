package io.paraverse.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/** Scratch directories of the demo and the benchmarks: made under the temp dir, removed whole afterwards. */
public final class WorkDirs {
    private WorkDirs() { }

    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under " + System.getProperty("java.io.tmpdir"), e);
        }
    }

    /** A work directory that is also removed if the JVM is stopped (Ctrl-C, SIGTERM) before the command ends. */
    public static Path createRemovedOnExit(String prefix) {
        Path dir = create(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                delete(dir);
            } catch (UncheckedIOException e) {
                // best effort at exit
            }
        }, "remove-" + dir.getFileName()));
        return dir;
    }

    public static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}

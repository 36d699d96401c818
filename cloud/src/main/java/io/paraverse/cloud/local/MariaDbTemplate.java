package io.paraverse.cloud.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A freshly initialized datadir made once (mariadb-install-db takes about a second) and copied for each new
 * server, so starting many servers stays fast. Kept under the temp dir, keyed by the server version.
 */
final class MariaDbTemplate {
    private static final Logger log = LoggerFactory.getLogger(MariaDbTemplate.class);

    private MariaDbTemplate() { }

    static synchronized void copyInto(MariaDbBinaries bin, Path datadir) {
        Path template = Path.of(System.getProperty("java.io.tmpdir"),
                "paraverse-mariadb-template-" + Integer.toHexString(bin.version().hashCode()));
        if (!Files.isDirectory(template)) {
            create(bin, template);
        }
        run(List.of("cp", "-a", template.toString(), datadir.toString()), "copy the MariaDB template datadir");
    }

    static void copyDatadir(Path from, Path datadir) {
        if (!Files.isDirectory(from)) {
            throw new IllegalArgumentException("no datadir to copy at " + from);
        }
        run(List.of("cp", "-a", from.toString(), datadir.toString()), "copy the datadir " + from);
    }

    private static void create(MariaDbBinaries bin, Path template) {
        Path tmp = template.resolveSibling(template.getFileName() + "." + ProcessHandle.current().pid());
        MariaDbServer.deleteTree(tmp);
        List<String> cmd = new java.util.ArrayList<>(List.of(bin.installDb().toString(), "--no-defaults",
                "--datadir=" + tmp, "--auth-root-authentication-method=normal", "--skip-test-db"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.add("--user=root");
        }
        long t0 = System.nanoTime();
        run(cmd, "initialize a MariaDB datadir with " + bin.installDb());
        try {
            Files.move(tmp, template, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isDirectory(template)) { // another JVM may have won the race: fine
                throw new UncheckedIOException("cannot create " + template, e);
            }
            MariaDbServer.deleteTree(tmp);
        }
        log.info("initialized MariaDB template datadir {} in {} ms", template, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void run(List<String> cmd, String what) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("failed to " + what + " (exit " + p.exitValue() + "): " + out.trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + what, e);
        }
    }
}

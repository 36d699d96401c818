package io.paraverse.daemon.upgrade;

import io.paraverse.clone.CloneEndpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command against the clone. Its environment gets the clone's address and a password file
 * ({@code PARAVERSE_CLONE_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD_FILE}, {@code _OPTION_FILE}, and
 * {@code MYSQL_HOST}/{@code MYSQL_TCP_PORT} for mysql-client scripts), never the password itself. stdout and stderr
 * go line by line to the log. At the deadline, or if the runner's thread is interrupted, the whole process tree
 * is killed.
 */
final class CommandStep {
    private static final long READER_GRACE_MS = 2_000;

    private final UpgradeSpec.Command step;
    private final CloneEndpoint clone;
    private final UpgradeLog log;
    private final java.nio.file.Path credentialsParent;

    CommandStep(UpgradeSpec.Command step, CloneEndpoint clone, UpgradeLog log, java.nio.file.Path credentialsParent) {
        this.step = step;
        this.clone = clone;
        this.log = log;
        this.credentialsParent = credentialsParent;
    }

    void run(long deadlineNanos, Duration timeout) throws StepFailure, InterruptedException {
        try (CloneCredentialFiles credentials = new CloneCredentialFiles(clone, credentialsParent)) {
            ProcessBuilder pb = new ProcessBuilder(step.argv()).redirectErrorStream(true);
            if (step.workdir() != null) {
                pb.directory(step.workdir().toFile());
            }
            environment(pb.environment(), credentials);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new StepFailure(UpgradeFailedException.Kind.ERROR, "cannot start " + step.argv().get(0) + ": "
                        + e.getMessage(), null, e);
            }
            p.getOutputStream().close(); // nothing to read: an interactive prompt must fail, not hang
            Thread reader = new Thread(() -> pump(p), "upgrade-output-" + p.pid());
            reader.setDaemon(true);
            reader.start();
            boolean exited;
            try {
                exited = p.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                killTree(p.toHandle());
                throw e;
            }
            if (!exited) {
                int killed = killTree(p.toHandle());
                reader.join(READER_GRACE_MS);
                log.line("-- timed out after " + timeout + ": killed " + killed + " process(es)");
                throw new StepFailure(UpgradeFailedException.Kind.TIMEOUT, "timed out after " + timeout, null, null);
            }
            // a background child still holding the pipe must not keep the upgrade waiting for its output
            reader.join(READER_GRACE_MS);
            int code = p.exitValue();
            if (code != 0) {
                throw new StepFailure(UpgradeFailedException.Kind.EXIT_CODE, "exit code " + code, code, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void environment(Map<String, String> env, CloneCredentialFiles credentials) {
        env.remove("MYSQL_PWD"); // a daemon's inherited password must not reach the script as the clone's
        env.put("MYSQL_HOST", clone.host());
        env.put("MYSQL_TCP_PORT", Integer.toString(clone.port()));
        env.putAll(step.env());
        env.put("PARAVERSE_CLONE_HOST", clone.host());
        env.put("PARAVERSE_CLONE_PORT", Integer.toString(clone.port()));
        env.put("PARAVERSE_CLONE_USER", clone.user());
        env.put("PARAVERSE_CLONE_PASSWORD_FILE", credentials.passwordFile().toString());
        env.put("PARAVERSE_CLONE_OPTION_FILE", credentials.optionFile().toString());
        if (clone.serverSslCert() != null) {
            env.put("PARAVERSE_CLONE_SSL_CA", clone.serverSslCert()); // the clone takes TLS only: its pinned certificate
        }
    }

    private void pump(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.line(line);
            }
        } catch (IOException e) {
            // the process was killed or closed its output
        }
    }

    /**
     * SIGKILLs a process and its descendants. The list is taken first: once the root dies its children are
     * re-parented and no longer its descendants.
     */
    static int killTree(ProcessHandle root) {
        List<ProcessHandle> all = new java.util.ArrayList<>(root.descendants().toList());
        all.add(0, root);
        int killed = 0;
        for (ProcessHandle h : all) {
            if (h.destroyForcibly()) {
                killed++;
            }
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // reported by the caller's own checks; nothing more to do here
            }
        }
        return killed;
    }
}

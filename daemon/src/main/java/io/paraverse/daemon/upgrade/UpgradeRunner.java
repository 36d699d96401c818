package io.paraverse.daemon.upgrade;

import io.paraverse.clone.CloneEndpoint;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs the application's upgrade against the clone (a migration's UPGRADING phase): the {@link UpgradeSpec}'s steps
 * in order, stopping at the first failure.
 * <ul>
 * <li>{@link UpgradeSpec.SqlFile}: split by {@link SqlScriptSplitter}, executed statement by statement on one JDBC
 *     connection; an error names {@code file:line}.
 * <li>{@link UpgradeSpec.Command}: started with {@link ProcessBuilder}; its environment holds
 *     {@code PARAVERSE_CLONE_HOST}, {@code PARAVERSE_CLONE_PORT}, {@code PARAVERSE_CLONE_USER},
 *     {@code PARAVERSE_CLONE_PASSWORD_FILE} (the bare password, for {@code -p"$(cat …)"}),
 *     {@code PARAVERSE_CLONE_OPTION_FILE} (a {@code [client]} file for
 *     {@code mariadb --defaults-extra-file=…}; with {@code ssl-ca} for a TLS-only clone, whose pinned certificate is
 *     also in {@code PARAVERSE_CLONE_SSL_CA}) and {@code MYSQL_HOST}/{@code MYSQL_TCP_PORT}. Both files are 0600 and
 *     deleted when the command ends; the password is never in argv or the environment.
 * </ul>
 * Output (each SQL statement's first line as it starts, the commands' stdout and stderr) goes line by line to the
 * migration's log file (appended, timestamped), to {@link #tail()} and to an optional {@link UpgradeListener}; the
 * clone's password is redacted everywhere. One timeout covers the whole run: at it the running statement is
 * cancelled or the command's process tree killed. Progress is {@link #elapsed()} and {@link #lastLine()}, which
 * other threads may read while {@link #run()} runs. Failures are {@link UpgradeFailedException}s with the step,
 * the reason and the log tail. A runner runs once.
 */
public final class UpgradeRunner {
    public static final int DEFAULT_TAIL_LINES = 200;

    private final UpgradeSpec spec;
    private final CloneEndpoint clone;
    private final Path logFile;
    private final int tailLines;
    private final UpgradeListener listener;
    private volatile UpgradeLog log;
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile int currentStep;

    /**
     * @param logFile   the migration's upgrade log, appended to
     * @param tailLines lines kept in memory for {@link #tail()} and failures
     * @param listener  live output, or null
     */
    public UpgradeRunner(UpgradeSpec spec, CloneEndpoint clone, Path logFile, int tailLines, UpgradeListener listener) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.clone = Objects.requireNonNull(clone, "clone");
        this.logFile = Objects.requireNonNull(logFile, "logFile");
        if (tailLines < 1) {
            throw new IllegalArgumentException("tailLines must be positive");
        }
        this.tailLines = tailLines;
        this.listener = listener;
    }

    public UpgradeRunner(UpgradeSpec spec, CloneEndpoint clone, Path logFile) {
        this(spec, clone, logFile, DEFAULT_TAIL_LINES, null);
    }

    /**
     * Runs every step. Returns when all succeeded.
     *
     * @throws UpgradeFailedException at the first failing step (SQL error, non-zero exit, timeout, I/O)
     * @throws InterruptedException   if this thread is interrupted while a command runs (its tree is killed)
     */
    /** Removes the clone credential files a killed run left next to its log in {@code logDir}. */
    public static void deleteLeftoverCredentials(Path logDir) {
        CloneCredentialFiles.deleteLeftovers(logDir);
    }

    /** Next to the log: the migration's own directory. */
    private Path credentialsDir() {
        Path parent = logFile.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }

    public void run() throws UpgradeFailedException, InterruptedException {
        if (startNanos != 0) {
            throw new IllegalStateException("an UpgradeRunner runs once");
        }
        startNanos = System.nanoTime();
        long deadline = startNanos + spec.timeout().toNanos();
        CloneCredentialFiles.deleteLeftovers(credentialsDir()); // from a run that was killed
        List<String> secrets = clone.password() == null ? List.of() : List.of(clone.password());
        try (UpgradeLog l = new UpgradeLog(logFile, tailLines, secrets, listener)) {
            log = l;
            l.line("== upgrade of " + clone + ": " + spec.steps().size() + " step(s), timeout " + spec.timeout());
            List<UpgradeSpec.Step> steps = spec.steps();
            for (int i = 0; i < steps.size(); i++) {
                UpgradeSpec.Step step = steps.get(i);
                currentStep = i + 1;
                long stepStart = System.nanoTime();
                l.line("== step " + (i + 1) + "/" + steps.size() + ": " + l.redact(step.describe()));
                try {
                    runStep(step, l, deadline);
                } catch (StepFailure f) {
                    String reason = l.redact(f.getMessage());
                    l.line("== step " + (i + 1) + " failed: " + reason);
                    throw new UpgradeFailedException(step, i + 1, f.kind, reason, f.exitCode, l.tail(), redacted(f.getCause(), l));
                } catch (RuntimeException e) {
                    String reason = l.redact(String.valueOf(e.getMessage()));
                    l.line("== step " + (i + 1) + " failed: " + reason);
                    throw new UpgradeFailedException(step, i + 1, UpgradeFailedException.Kind.ERROR, reason, null, l.tail(), null);
                } catch (InterruptedException e) {
                    l.line("== step " + (i + 1) + " interrupted");
                    throw e;
                }
                l.line("== step " + (i + 1) + " done in " + seconds(System.nanoTime() - stepStart));
            }
            l.line("== upgrade finished in " + seconds(System.nanoTime() - startNanos));
        } finally {
            endNanos = System.nanoTime();
        }
    }

    private void runStep(UpgradeSpec.Step step, UpgradeLog l, long deadline) throws StepFailure, InterruptedException {
        if (step instanceof UpgradeSpec.SqlFile f) {
            new SqlFileStep(f, clone, l).run(deadline, spec.timeout());
        } else if (step instanceof UpgradeSpec.Command c) {
            new CommandStep(c, clone, l, credentialsDir()).run(deadline, spec.timeout());
        } else {
            throw new IllegalArgumentException("unknown upgrade step " + step);
        }
    }

    /**
     * A copy of a cause chain with the secrets removed from the messages (a server error may quote a statement that
     * holds the password); class names and stack traces are kept for debugging.
     */
    private static Throwable redacted(Throwable t, UpgradeLog l) {
        if (t == null) {
            return null;
        }
        Exception copy = new Exception(t.getClass().getName() + ": " + l.redact(String.valueOf(t.getMessage())),
                t.getCause() == t ? null : redacted(t.getCause(), l));
        copy.setStackTrace(t.getStackTrace());
        return copy;
    }

    private static String seconds(long nanos) {
        return String.format("%.1fs", nanos / 1e9);
    }

    /** Time since {@link #run()} started (until it ended); zero before. */
    public Duration elapsed() {
        long start = startNanos;
        if (start == 0) {
            return Duration.ZERO;
        }
        long end = endNanos;
        return Duration.ofNanos((end != 0 ? end : System.nanoTime()) - start);
    }

    /** The last line of output, "" before any. */
    public String lastLine() {
        UpgradeLog l = log;
        return l == null ? "" : l.lastLine();
    }

    /** The last lines of output, oldest first. */
    public List<String> tail() {
        UpgradeLog l = log;
        return l == null ? List.of() : l.tail();
    }

    /** 1-based number of the step running (or last run); 0 before the run. */
    public int currentStep() {
        return currentStep;
    }
}

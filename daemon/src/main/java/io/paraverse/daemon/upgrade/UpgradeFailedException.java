package io.paraverse.daemon.upgrade;

import java.util.List;

/**
 * The upgrade failed: which step, why, and the last lines of its output. The message never holds the clone's
 * password (the runner redacts it).
 */
public final class UpgradeFailedException extends Exception {
    /** What kind of failure. */
    public enum Kind { SQL_ERROR, EXIT_CODE, TIMEOUT, ERROR }

    private final UpgradeSpec.Step step;
    private final int stepNumber;
    private final Kind kind;
    private final String reason;
    private final Integer exitCode;
    private final List<String> tail;

    UpgradeFailedException(UpgradeSpec.Step step, int stepNumber, Kind kind, String reason, Integer exitCode,
                           List<String> tail, Throwable cause) {
        super("upgrade step " + stepNumber + " (" + step.describe() + ") failed: " + reason, cause);
        this.step = step;
        this.stepNumber = stepNumber;
        this.kind = kind;
        this.reason = reason;
        this.exitCode = exitCode;
        this.tail = List.copyOf(tail);
    }

    public UpgradeSpec.Step step() { return step; }
    /** 1-based position of the step in the spec. */
    public int stepNumber() { return stepNumber; }
    public Kind kind() { return kind; }
    /** e.g. {@code upgrade.sql:42: Table 'x' doesn't exist}, {@code exit code 3}, {@code timed out after PT1S}. */
    public String reason() { return reason; }
    /** The command's exit code for {@link Kind#EXIT_CODE}, else null. */
    public Integer exitCode() { return exitCode; }
    /** The last lines of the upgrade log at the time of failure (without timestamps). */
    public List<String> tail() { return tail; }
}

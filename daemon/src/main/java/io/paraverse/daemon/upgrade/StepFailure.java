package io.paraverse.daemon.upgrade;

/** A step's failure as the step runners see it; {@link UpgradeRunner} adds the step and the log tail. */
final class StepFailure extends Exception {
    final UpgradeFailedException.Kind kind;
    final Integer exitCode;

    StepFailure(UpgradeFailedException.Kind kind, String reason, Integer exitCode, Throwable cause) {
        super(reason, cause);
        this.kind = kind;
        this.exitCode = exitCode;
    }
}

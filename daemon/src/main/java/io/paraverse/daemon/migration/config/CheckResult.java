package io.paraverse.daemon.migration.config;

import java.util.Objects;

/**
 * One row of the preflight table.
 *
 * @param check  what was checked ("source binlog_format", "target empty", ...)
 * @param result PASS, WARN (works, but look) or FAIL (the migration would fail: fix it first)
 * @param detail what was found, with numbers; when not passing, what to change
 */
public record CheckResult(String check, Status result, String detail) {
    public enum Status { PASS, WARN, FAIL }

    public CheckResult {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(detail, "detail");
    }

    public static CheckResult pass(String check, String detail) { return new CheckResult(check, Status.PASS, detail); }

    public static CheckResult warn(String check, String detail) { return new CheckResult(check, Status.WARN, detail); }

    public static CheckResult fail(String check, String detail) { return new CheckResult(check, Status.FAIL, detail); }

    public boolean failed() { return result == Status.FAIL; }
}

package io.paraverse.capture;

import java.util.Objects;

/**
 * The outcome of one preflight check of the source.
 *
 * @param name    short stable name ("binlog_format", "grants", "primary_keys", ...)
 * @param ok      whether capture can work as far as this check is concerned
 * @param message what was found; when failing, exactly what to change
 */
public record PreflightCheck(String name, boolean ok, String message) {
    public PreflightCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(message, "message");
    }

    static PreflightCheck pass(String name, String message) {
        return new PreflightCheck(name, true, message);
    }

    static PreflightCheck fail(String name, String message) {
        return new PreflightCheck(name, false, message);
    }

    @Override
    public String toString() {
        return (ok ? "[ok]   " : "[FAIL] ") + name + ": " + message;
    }
}

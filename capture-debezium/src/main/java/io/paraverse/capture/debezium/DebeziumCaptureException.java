package io.paraverse.capture.debezium;

/** Debezium change events cannot be turned into row changes (or the engine/consumer cannot run); the message says why. */
public class DebeziumCaptureException extends RuntimeException {
    public DebeziumCaptureException(String message) {
        super(message);
    }

    public DebeziumCaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.paraverse.capture;

/**
 * Capture cannot start or cannot go on: the message says what is wrong and, where it can, what to change.
 * Messages never contain the password.
 */
public class CaptureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CaptureException(String message) {
        super(message);
    }

    public CaptureException(String message, Throwable cause) {
        super(message, cause);
    }
}
